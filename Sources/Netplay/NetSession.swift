import NIOConcurrencyHelpers
import NetplayBase
import NetplayLinkConditioner
import NetplayWire
import Synchronization

/// The threads-and-locks shell around a `NetCore`, shared by a ``NetHost`` or ``NetClient``
/// (the game's side) and a driver (the network's side).
///
/// The game thread only touches the send buffer and the event queue, each under its own
/// short lock. The driver calls `receive(_:from:now:)` for each datagram, `tick(now:)` on a
/// timer and `flushSends(now:)` when a batch of sends asks for it (NetSession-network.swift);
/// only those take the core's lock. So `send` works on the network's state only in one case:
/// a game that answers events as they come (async code, or a loop answering what its
/// `poll(waitingUpTo:)` returned) flushes its own reply on an idle link
/// (``requestSendFlush()``, under the transport's pass lock); otherwise one flush picks up
/// everything sent since the last one in a single batch.
package final class NetSession: Sendable {
    /// How the session has run, for tests and diagnostics: ticks against messages shows
    /// that sends are batched.
    struct Counters: Sendable, Hashable {
        /// Messages accepted by `send` (each counts once, however many recipients).
        var messagesQueued = 0
        /// Passes run: timer ticks, and the flushes sends ask for (a sender's own among them).
        var ticks = 0
        /// Passes that took at least one queued command.
        var flushes = 0
        /// Batches handed to the transport (for UDP: event-loop writes, one flush each).
        var transportBatches = 0
        /// Flushes a sender ran on its own thread while the network thread slept and nothing
        /// was in flight (see ``NetSession/requestSendFlush()``).
        var sendersFlushes = 0
    }

    let registry: MessageRegistry
    let options: NetOptions
    let events: EventQueue
    /// The handshake's outcome: nil once connected, or why it failed. A host sets it at once.
    let handshake = Latch<DisconnectReason?>()
    /// Set once the core is closed and its last datagrams are handed to the transport.
    let finished = Latch<Void>()
    /// Set once ``close()`` has closed the transport too: nothing of the session's is left
    /// to free. (A session the peer ended is `finished` without it.)
    let closed = Latch<Void>()

    /// The protocol and channels: taken only by the network's side and ``withCore(_:)``.
    let core: Mutex<NetCore>
    /// Sends waiting for the network thread (see NetSession-sending.swift).
    let buffer = Mutex(SendBuffer())
    let counters = Mutex(Counters())
    /// Set once, by ``attach(_:)``, and read several times a round trip: the standard
    /// library's `Mutex` (inlined, a compare-and-swap each way uncontended) rather than a
    /// `pthread` lock; `AtomicLazyReference`, tried, was called unspecialized and looked up
    /// its generic metadata at every read.
    private let attachment = Mutex<Attachment?>(nil)

    /// The transport, and whether the game's thread services it, kept together from the
    /// attachment on. A class, so reading it under the lock is one retain.
    final class Attachment: Sendable {
        let transport: any DatagramTransport
        /// The transport again if the game's thread services it, cast once: `poll` and `flush`
        /// ask every frame, and a dynamic cast there cost more than the rest of the question.
        let gameThread: SocketTransport?
        /// The transport again if a network thread services it, cast once: the first send of
        /// every batch asks whether that thread sleeps.
        let networkThread: SocketTransport?

        init(transport: any DatagramTransport) {
            self.transport = transport
            let socket = transport as? SocketTransport
            gameThread = socket.flatMap { $0.wake == nil ? $0 : nil }
            networkThread = socket.flatMap { $0.wake != nil ? $0 : nil }
        }
    }
    /// Whether a handshake service is already queued on the network thread.
    let handshakeServiceScheduled = NIOLockedValueBox(false)
    let peerCount = NIOLockedValueBox<(peers: Set<NetPeer>, observer: (@Sendable (Int) -> Void)?)>(([], nil))
    /// The number of players in `peerCount`, read without a lock by ``requestSendFlush()``:
    /// a host of many players never flushes on the sender's thread, and does not take three
    /// locks per batch of sends to learn it.
    let playersConnected = Atomic<Int>(0)
    /// How many passes have answered everything received (a flush of sends, or a tick that
    /// held no acknowledgement): a driver's pass that ran one as queued work, and read
    /// nothing after it, has nothing left to answer (see `SocketTransport.pass`).
    let answeringPasses = Atomic<Int>(0)
    /// Called once this player has taken over as host (host migration).
    let takeoverObserver = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)
    /// Replication traffic and joins and leaves, waiting for the session's ``NetWorld`` (kept
    /// only once a world is attached).
    let replicationInbox = NIOLockedValueBox(ReplicationInbox())
    /// When dropped datagrams are next summarised in the log, and the total last logged.
    let dropLog = Mutex((next: NetInstant.zero, total: 0))

    /// Calls `observer` with the number of connected clients now, and whenever it changes: an
    /// observer registered after clients joined (a LAN advert coming up in the background)
    /// starts from the count of now, not from none.
    func onPeerCountChange(_ observer: @escaping @Sendable (Int) -> Void) {
        let count = peerCount.withLockedValue { state in
            state.observer = observer
            return state.peers.count
        }
        observer(count)
    }

    /// Calls `observer` (on the network thread) when this player takes over as host.
    func onTakeover(_ observer: @escaping @Sendable () -> Void) {
        takeoverObserver.withLockedValue { $0 = observer }
    }

    /// Whether this session hosts: from the start, or since this player took over.
    var isHosting: Bool { withCore { $0.isHostCore } }

    package init(core: NetCore, options: NetOptions) {
        self.core = Mutex(core)
        registry = core.registry
        self.options = options
        events = EventQueue(capacity: options.maxQueuedEvents)
    }

    /// Connects the session to its transport (made after the session, whose `receive` the
    /// transport calls).
    package func attach(_ transport: any DatagramTransport) {
        let attached = Attachment(transport: transport)
        attachment.withLock { $0 = attached }
    }

    /// The transport attached to the session, if any yet.
    var attachedTransport: (any DatagramTransport)? { attachment.withLock { $0?.transport } }

    /// The transport the game's thread services, in ``NetServicing/gameThread`` mode.
    var gameThreadTransport: SocketTransport? { attachment.withLock { $0?.gameThread } }

    /// The transport and how it is serviced, read once (a poll asks both ways).
    var attached: Attachment? { attachment.withLock { $0 } }

    /// Asks the network thread to flush the send buffer as soon as it is free: the first send
    /// since the last flush does, so there is one hop per batch of sends (not per message),
    /// and no wait for the next tick.
    func requestFlush() {
        guard let transport = attachedTransport else { return }
        requestFlush(on: transport)
    }

    /// ``requestFlush()`` on the transport already in hand.
    private func requestFlush(on transport: any DatagramTransport) {
        // The session beside the work, not captured in it: see `runSoon(for:_:)`.
        transport.runSoon(for: self) { session, now in session.flushSends(now: now) }
    }

    /// The flush the first message of a batch of sends asks for. When the game answers
    /// messages as they come (async code reads the session's ``NetEvents``, or its loop's
    /// last `poll(waitingUpTo:)` returned events: see `EventQueue.answersAsTheyCome`), the
    /// network thread sleeps, the session has a few peers (`NetCore.maxPeersForSendersFlush`)
    /// and nothing of its is in flight, the sender flushes on its own thread, at once, as
    /// Nagle's rule lets a TCP sender send at once on an idle connection: waking the network
    /// thread to do it cost a thread hand-off each side of a reply (measured for both kinds of
    /// reader: see docs/ARCHITECTURE.md, the thirty-third and thirty-fourth stops). Otherwise
    /// the network thread flushes, and the sends made meanwhile join the batch, as before: a
    /// frame loop sends a frame's messages together, which one packet carries (flushed at the
    /// first, the rest would follow in a second); a stream keeps packets in flight; and a kick
    /// or a close ends connections there.
    ///
    /// The flush runs under the transport's pass lock, tried, never waited for: a sender on
    /// the network thread itself (code on its executor, an observer) finds that thread awake
    /// or the lock taken, and leaves the flush to the thread's next pass; so does a sender
    /// racing another. Nothing under the lock blocks or runs the game's code: a messages-only
    /// flush publishes no membership event, so no observer or log handler runs there.
    func requestSendFlush() {
        guard events.answersAsTheyCome,
            playersConnected.load(ordering: .relaxed) <= NetCore.maxPeersForSendersFlush,
            let attached = attached
        else { return requestFlush() }
        if let socket = attached.networkThread, socket.networkThreadSleeps,
            socket.passLock.withLockIfAvailable({ _ in flushSendsOnSenderThread(now: socket.now) }) == true
        {
            return
        }
        requestFlush(on: attached.transport)
    }

    /// Impairs one direction of the session's socket (nil: clear it).
    package func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection) {
        attachedTransport?.setImpairment(impairment, for: direction)
    }

    /// Runs `body` on the core under its lock (for reading peers and statistics).
    func withCore<Result: Sendable>(_ body: (inout NetCore) -> Result) -> Result {
        core.withLock { body(&$0) }
    }

    var statistics: Counters {
        var statistics = counters.withLock { $0 }
        statistics.messagesQueued = buffer.withLock { $0.messagesQueued }
        return statistics
    }

    /// Closes gracefully: no more sends are accepted, queued and unacknowledged reliable
    /// messages get up to ``NetOptions/closeFlushTimeout``, then the peers are told and the
    /// transport closes. Idempotent; every caller returns once the session is closed.
    func close() async {
        requestClose()
        await serviceUntil { finished.value != nil }
        await finished.wait()
        await attachedTransport?.close()
        closed.set(())
    }

    /// ``close()`` from code that is not async: blocks this thread until the session is
    /// closed. On the game thread it drives the close itself (nothing else would); with a
    /// network thread it waits for that thread. Only for a session on a real socket, from a
    /// thread that is neither its network thread nor one of Swift's pool.
    func closeSynchronously() {
        requireSynchronousCloseCanFinish()
        requestClose()
        if let serviced = gameThreadTransport {
            // Each wait bounded by one tick; the close's own deadlines end the loop.
            while finished.value == nil {
                let serviced = serviced.service(
                    self, waitingUpTo: options.tickInterval, returningOnEvents: false, until: { finished.value != nil })
                // Another thread is servicing (a poll): its passes carry the close on. Wait
                // for them rather than spin, and take over if it stops.
                if !serviced { _ = finished.waitBlocking(upTo: options.tickInterval) }
            }
        } else {
            finished.waitBlocking()
        }
        attachedTransport?.closeSynchronously()
        closed.set(())
    }

    /// Stops the program with a message where a synchronous close would wait for itself: on
    /// the session's network thread (code on its executor), or inside a pass of the game's
    /// thread (a log handler, an observer), where nothing else would carry the close on, or
    /// inside a poll's read of a socket whose reads coalesce, where the network thread could
    /// not get the pass lock to.
    func requireSynchronousCloseCanFinish() {
        let attached = attached
        precondition(
            !(attached?.networkThread?.isOnNetworkThread ?? false),
            "closeSynchronously() on the session's network thread; use close() from async code")
        precondition(
            !((attached?.gameThread ?? attached?.networkThread)?.isServicedByCurrentThread ?? false),
            "closeSynchronously() inside the session's own poll; call it once poll has returned")
    }

    /// Starts closing without waiting (the driver's ticks finish the job).
    func requestClose() {
        let first = buffer.withLock { buffer in
            defer { buffer.closing = true }
            return !buffer.closing
        }
        // A tick starts the graceful close now; the deadlines it names carry it through.
        if first { requestFlush() }
    }

    /// The network thread as a task executor (nil without one: game-thread servicing).
    var taskExecutor: (any TaskExecutor)? { attachedTransport?.taskExecutor }

    /// The transport's clock: real time on a socket, virtual time in a simulation.
    var now: NetInstant? { attachedTransport?.now }
}
