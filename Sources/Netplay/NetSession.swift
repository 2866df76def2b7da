import NIOConcurrencyHelpers
import NetplayBase
import NetplayChannels
import NetplayLinkConditioner
import NetplayProtocol
import NetplayWire
import Synchronization

/// The threads-and-locks shell around a `NetCore`, shared by a ``NetHost`` or ``NetClient``
/// (the game's side) and a driver (the network's side).
///
/// The game thread only touches the send buffer and the event queue, each under its own
/// short lock. The driver calls `receive(_:from:now:)` for each datagram and `tick(now:)`
/// on a timer; only those take the core's lock. So `send` never hops to the event loop: the
/// tick picks up everything sent since the last one in a single batch.
package final class NetSession: Sendable {
    /// How the session has run, for tests and diagnostics: ticks against messages shows
    /// that sends are batched.
    struct Counters: Sendable, Hashable {
        /// Messages accepted by `send` (each counts once, however many recipients).
        var messagesQueued = 0
        /// Passes run by the driver: timer ticks, and the flushes sends ask for.
        var ticks = 0
        /// Passes that took at least one queued command.
        var flushes = 0
        /// Batches handed to the transport (for UDP: event-loop writes, one flush each).
        var transportBatches = 0
    }

    let registry: MessageRegistry
    let options: NetOptions
    let events: EventQueue
    /// The handshake's outcome: nil once connected, or why it failed. A host sets it at once.
    let handshake = Latch<DisconnectReason?>()
    /// Set once the core is closed and its last datagrams are handed to the transport.
    let finished = Latch<Void>()

    private let core: Mutex<NetCore>
    /// Sends waiting for the network thread (see NetSession-sending.swift).
    let buffer = Mutex(SendBuffer())
    private let counters = Mutex(Counters())
    /// Set once, by ``attach(_:)``, and read several times a round trip: the standard
    /// library's `Mutex` (inlined, a compare-and-swap each way uncontended) rather than a
    /// `pthread` lock; `AtomicLazyReference`, tried, was called unspecialized and looked up
    /// its generic metadata at every read.
    private let attachment = Mutex<Attachment?>(nil)

    /// The transport, and the flush `send` asks it for, made once when it is attached (the
    /// transport's trigger): a closure made at each request was an allocation per batch of
    /// sends. A class, so reading it under the lock is a retain (a tuple with a closure in it
    /// was reabstracted, and allocated, in unspecialized code).
    final class Attachment: Sendable {
        let transport: any DatagramTransport
        let flush: @Sendable () -> Void
        /// The transport again if the game's thread services it, cast once: `poll` and `flush`
        /// ask every frame, and a dynamic cast there cost more than the rest of the question.
        let gameThread: GameThreadTransport?

        init(transport: any DatagramTransport, flush: @escaping @Sendable (NetInstant) -> Void) {
            self.transport = transport
            self.flush = transport.makeTrigger(flush)
            gameThread = transport as? GameThreadTransport
        }
    }
    /// Whether a handshake service is already queued on the network thread.
    private let handshakeServiceScheduled = NIOLockedValueBox(false)
    private let peerCount = NIOLockedValueBox<(peers: Set<NetPeer>, observer: (@Sendable (Int) -> Void)?)>(([], nil))
    /// Called once this player has taken over as host (host migration).
    private let takeoverObserver = NIOLockedValueBox<(@Sendable () -> Void)?>(nil)
    /// Replication traffic and joins and leaves, waiting for the session's ``NetWorld`` (kept
    /// only once a world is attached).
    let replicationInbox = NIOLockedValueBox(ReplicationInbox())
    /// When dropped datagrams are next summarised in the log, and the total last logged.
    let dropLog = Mutex((next: NetInstant.zero, total: 0))

    /// Calls `observer` with the number of connected clients whenever it changes.
    func onPeerCountChange(_ observer: @escaping @Sendable (Int) -> Void) {
        peerCount.withLockedValue { $0.observer = observer }
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
        let attached = Attachment(transport: transport) { [weak self] now in self?.flushSends(now: now) }
        attachment.withLock { $0 = attached }
    }

    /// The transport attached to the session, if any yet.
    var attachedTransport: (any DatagramTransport)? { attachment.withLock { $0?.transport } }

    /// The transport the game's thread services, in ``NetServicing/gameThread`` mode.
    var gameThreadTransport: GameThreadTransport? { attachment.withLock { $0?.gameThread } }

    /// Asks the network thread to flush the send buffer as soon as it is free: the first send
    /// since the last flush does, so there is one hop per batch of sends (not per message),
    /// and no wait for the next tick.
    func requestFlush() {
        attachment.withLock { $0 }?.flush()
    }

    /// Impairs one direction of the session's socket (nil: clear it).
    package func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection) {
        attachedTransport?.setImpairment(impairment, for: direction)
    }

    // MARK: The network's side

    /// What the session has to send before it has a transport (a client's first hello, made
    /// with its endpoint), for the driver to send as soon as its socket is bound. Only before
    /// ``attach(_:)``: after it, datagrams are the transport's to send.
    package func takeFirstDatagrams() -> [Datagram] {
        assert(attachedTransport == nil, "the first datagrams are taken before a transport is attached")
        return core.withLock { $0.drainOutgoing() }
    }

    /// Handles one datagram; called by the driver, on its thread. What it brings the game
    /// (messages, players coming and going) waits in the core until the driver ends the read
    /// burst with ``serviceReadBurst(now:)`` or ``publishReceived()``: the event queue's
    /// locks, and a waiting reader's wake-up, once a burst instead of once a datagram (some
    /// 1,400 instructions a datagram on a host reading its clients' inputs).
    package func receive(_ bytes: [UInt8], from address: PeerAddress, now: NetInstant) {
        var datagrams: [Datagram] = []
        let deferred = core.withLock { core in
            core.receive(bytes, from: address, now: now)
            datagrams = core.drainOutgoing()
            return core.hasDeferredHandshakes
        }
        if !datagrams.isEmpty, let transport = attachedTransport { transmit(&datagrams, on: transport) }
        if deferred { scheduleHandshakeService() }
    }

    /// Publishes what the datagrams received since the last publication brought: for a driver
    /// that must know whether the game has events before it ends its read burst (the
    /// game-thread driver, which returns to the game when it has).
    package func publishReceived() {
        let (events, replication) = core.withLock { core in (takeEvents(from: &core), core.drainReplication()) }
        publish(events, replication: replication)
    }

    /// Queues one handshake service behind the datagrams being read now: the event loop runs
    /// queued work only after its read burst, so established peers' packets go first, while
    /// handshake replies still leave without waiting for the next tick.
    private func scheduleHandshakeService() {
        let first = handshakeServiceScheduled.withLockedValue { scheduled in
            defer { scheduled = true }
            return !scheduled
        }
        guard first else { return }
        attachedTransport?.runSoon { [weak self] now in self?.serviceHandshakes(now: now) }
    }

    private func serviceHandshakes(now: NetInstant) {
        handshakeServiceScheduled.withLockedValue { $0 = false }
        var datagrams: [Datagram] = []
        let (events, replication, deadline) = core.withLock { core in
            core.serviceHandshakes(now: now)
            datagrams = core.drainOutgoing()
            return (takeEvents(from: &core), core.drainReplication(), core.nextDeadline(now: now))
        }
        if let transport = attachedTransport {
            transmit(&datagrams, on: transport)
            transport.scheduleTick(at: deadline)
        }
        publish(events, replication: replication)
    }

    /// The end of a read burst, called by the driver: answers the peers that sent something
    /// (acks, and data an ack let through) at once, without a tick over every peer, and brings
    /// the timer forward if one of those peers now needs time sooner.
    ///
    /// With messages waiting behind a full channel that the acks just read made room in, it
    /// runs a whole tick instead, which moves them: the next timer tick is at least
    /// ``NetOptions/tickInterval`` after the last, and waiting for it left a sender idle
    /// between its messages (a bulk transfer stalled 5–8 ms per 1 MiB message, both threads
    /// asleep). "Room" is a quarter of the channel at least, so a backlog of many small
    /// messages, which a retry walks whole, is not retried at every burst.
    package func serviceReadBurst(now: NetInstant) {
        if let waiting = buffer.withLock({ $0.backlog.first }),
            core.withLock({ $0.backlogMayMove(waiting) })
        {
            tick(now: now)
            return
        }
        var datagrams: [Datagram] = []
        let (events, replication, deadline, closed) = core.withLock { core in
            let deadline = core.flushReceived(now: now)
            datagrams = core.drainOutgoing()
            return (takeEvents(from: &core), core.drainReplication(), deadline, core.phase == .closed)
        }
        if let transport = attachedTransport {
            transmit(&datagrams, on: transport)
            if let deadline { transport.scheduleTick(at: deadline) }
        }
        publish(events, replication: replication)
        if closed { finished.set(()) }
    }

    /// The longest the driver's timer sleeps with no deadline due: a peerless host still ticks
    /// now and then (drop logs), and a sleep is never long enough to be taken for a pause
    /// (``ProtocolConfig``'s pause threshold is 3 s). Peers' keepalives wake it far sooner.
    static let maximumTimerSleep = Duration.seconds(1)

    /// Flushes queued sends, runs the timers and sends the resulting datagrams in one batch,
    /// then asks the transport for the next tick at the core's next deadline.
    package func tick(now: NetInstant, holdingAcknowledgements: Bool = false) {
        // Taken out of the buffer (not copied), so the core works the backlog in place.
        var backlog: [OutboundMessage] = []
        var messages: [OutboundMessage] = []
        var kicks: [OutboundKick] = []
        let (takenBytes, closing) = buffer.withLock { buffer in
            defer {
                buffer.bytes = 0
                buffer.flushScheduled = false
            }
            swap(&backlog, &buffer.backlog)
            swap(&messages, &buffer.spareMessages)
            swap(&messages, &buffer.messages)
            swap(&kicks, &buffer.kicks)
            return (buffer.bytes, buffer.closing)
        }
        let tookCommands = !backlog.isEmpty || !messages.isEmpty || !kicks.isEmpty
        var datagrams: [Datagram] = []
        let (released, events, replication, closed, deadline) = core.withLock { core in
            if closing { core.closeRequested = true }
            let released = core.tick(
                now: now, backlog: &backlog, messages: messages, kicks: kicks,
                holdingAcknowledgements: holdingAcknowledgements)
            datagrams = core.drainOutgoing()
            return (
                released, takeEvents(from: &core), core.drainReplication(), core.phase == .closed,
                core.nextDeadline(now: now)
            )
        }
        if tookCommands || messages.capacity > 0 {
            giveBack(&messages, waiting: backlog, waitingBytes: takenBytes - released)
        }
        // Commands left waiting for a full channel retry at the next tick, as before.
        finishPass(sending: &datagrams, tickAt: backlog.isEmpty ? deadline : now, tookCommands: tookCommands)
        publish(events, replication: replication)
        logDropsIfDue(now: now)
        if closed { finished.set(()) }
    }

    /// The flush `send` asks for, once per batch of sends: the queued messages into their
    /// channels and out, the timers left to their deadlines (see `NetCore.flushSends`). With
    /// messages waiting behind a full channel, a kick or a close queued, a whole tick instead,
    /// which carries those out in their order.
    package func flushSends(now: NetInstant) {
        var messages: [OutboundMessage] = []
        let takenBytes: Int? = buffer.withLock { buffer in
            guard buffer.backlog.isEmpty, buffer.kicks.isEmpty, !buffer.closing else { return nil }
            defer {
                buffer.bytes = 0
                buffer.flushScheduled = false
            }
            swap(&messages, &buffer.spareMessages)
            swap(&messages, &buffer.messages)
            return buffer.bytes
        }
        guard let takenBytes else { return tick(now: now) }
        var waiting: [OutboundMessage] = []
        var datagrams: [Datagram] = []
        let (released, events, replication, closed, deadline) = core.withLock { core in
            let (released, deadline) = core.flushSends(now: now, messages: messages, backlog: &waiting)
            datagrams = core.drainOutgoing()
            return (released, takeEvents(from: &core), core.drainReplication(), core.phase == .closed, deadline)
        }
        let tookCommands = !messages.isEmpty
        giveBack(&messages, waiting: waiting, waitingBytes: takenBytes - released)
        // No deadline: none of the flushed peers' came forward, and the armed timer stands.
        finishPass(
            sending: &datagrams, tickAt: waiting.isEmpty ? deadline : now, tookCommands: tookCommands,
            schedulingNil: false)
        publish(events, replication: replication)
        if closed { finished.set(()) }
    }

    /// Gives the send list a tick or flush took back, emptied, for the next trade with its
    /// room (an idle tick's list too: dropped, the next sends would grow a new one): a lock
    /// per tick, none per message. `waiting`, the messages a full channel could not take yet,
    /// goes back ahead of anything sent meanwhile, which stays in the buffer's list.
    private func giveBack(_ messages: inout [OutboundMessage], waiting: [OutboundMessage], waitingBytes: Int) {
        messages.empty()
        buffer.withLock { buffer in
            swap(&messages, &buffer.spareMessages)
            guard !waiting.isEmpty else { return }
            buffer.backlog = waiting
            buffer.bytes += waitingBytes
        }
    }

    /// Sends a tick's or flush's datagrams, asks for the next tick at `deadline` (a nil one
    /// only with `schedulingNil`: a tick's, which says no timer is due), and counts the pass.
    private func finishPass(
        sending datagrams: inout [Datagram], tickAt deadline: NetInstant?, tookCommands: Bool,
        schedulingNil: Bool = true
    ) {
        let sentAny = !datagrams.isEmpty
        if let transport = attachedTransport {
            transmit(&datagrams, on: transport)
            if deadline != nil || schedulingNil { transport.scheduleTick(at: deadline) }
        }
        counters.withLock { counters in
            counters.ticks += 1
            if tookCommands { counters.flushes += 1 }
            if sentAny { counters.transportBatches += 1 }
        }
    }

    /// Hands `datagrams` to the transport, then gives their buffers and list back to the core
    /// for the next ones (a transport that kept one only means that one is not reused). One
    /// more short lock per batch sent, against an allocation per datagram and per batch.
    private func transmit(_ datagrams: inout [Datagram], on transport: any DatagramTransport) {
        guard !datagrams.isEmpty else { return }
        transport.send(datagrams)
        core.withLock { $0.recycleSent(&datagrams) }
    }

    /// Takes the core's new events, under its lock. Nearly every batch is messages only: it
    /// goes straight into the event queue, the two trading lists (no list allocated per
    /// datagram, and nobody scans it: a copy of each event, existential inside, cost some
    /// hundred instructions per message). Any other batch is published after the lock.
    private func takeEvents(from core: inout NetCore) -> (events: [NetEvent], changesMembership: Bool) {
        if core.moveMessages(into: events) { return ([], false) }
        return core.drainEventBatch()
    }

    private func publish(
        _ batch: (events: [NetEvent], changesMembership: Bool), replication: [ReplicationDelivery]
    ) {
        let (events, changesMembership) = batch
        // Most calls (a tick or read burst that delivered nothing) have nothing to publish.
        guard !events.isEmpty || changesMembership || !replication.isEmpty else { return }
        if changesMembership || !replication.isEmpty {
            replicationInbox.withLockedValue {
                $0.take(changesMembership ? events : [], replication, capacity: options.maxQueuedEvents)
            }
        }
        // Read only when a player comes or goes: this runs for every datagram and tick.
        var connected: Set<NetPeer>?
        var tookOver = false
        for index in events.indices where changesMembership {
            let event = events[index]
            switch event {
            case .connected(let peer) where !peer.isHost:
                if connected == nil { connected = peerCount.withLockedValue { $0.peers } }
                connected?.insert(peer)
            case .disconnected(let peer, _) where !peer.isHost:
                if connected == nil { connected = peerCount.withLockedValue { $0.peers } }
                connected?.remove(peer)
            case .hostChanged:
                // A new session's players: those who rejoin this player, if it took over.
                connected = []
                tookOver = isHosting
            default: break
            }
            switch event {
            case .connected(.host): handshake.set(nil)
            case .disconnected(.host, let reason):
                handshake.set(reason)
                // The session is over (closed, kicked, timed out…): refuse sends from now on.
                buffer.withLock { $0.closing = true }
            default: break
            }
        }
        // Only lifecycle events are logged, and they always come with `changesMembership`.
        if changesMembership { log(events) }
        self.events.push(events, mayEndSession: changesMembership)
        if let connected {
            let (before, observer) = peerCount.withLockedValue { state in
                defer { state.peers = connected }
                return (state.peers.count, state.observer)
            }
            if connected.count != before { observer?(connected.count) }
        }
        if tookOver { takeoverObserver.withLockedValue { $0 }?() }
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
