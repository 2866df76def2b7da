import NIOConcurrencyHelpers
import NetplayBase
import NetplayDrivers
import NetplayLinkConditioner
import Synchronization

/// The transport of a session in ``NetServicing/gameThread`` mode: a socket with no thread of
/// its own, read, timed and flushed by whichever thread calls ``service(_:waitingUpTo:)``
/// (the game's, through `poll`, `poll(waitingUpTo:)` and `flush`).
///
/// Work the session asks to run "soon" (a flush after the first send of a batch, a deferred
/// handshake) waits for the next service call, as an ENet packet waits for the next
/// `enet_host_service` or `enet_host_flush`.
final class GameThreadTransport: DatagramTransport {
    let socket: ServicedUDPSocket
    let clock: MonotonicClock
    private let state: Mutex<State>

    typealias Work = @Sendable (NetInstant) -> Void

    /// A closure in a struct: an array of bare closures holds them at the generic
    /// abstraction, and each one appended was wrapped in a thunk made for it (an allocation
    /// per flush asked for).
    private struct QueuedWork {
        let run: Work
    }

    private struct State {
        var queued: [QueuedWork] = []
        /// The list the last queued work was run from, emptied with its room: it and `queued`
        /// trade places, so queuing work (a flush, for each batch of sends) allocates nothing.
        /// Drained with `takeAll()`, which leaves a new reservation behind, each flush cost an
        /// allocation: two a round trip.
        var spareQueued: [QueuedWork] = []
        /// When the protocol's timers next run, whatever arrives meanwhile: the session's next
        /// deadline (``scheduleTick(at:)``), as `schedule` spaces them.
        var nextTick = NetInstant.zero
        /// The network thread's rule (see `TickSchedule`): it also keeps a session that asks
        /// for "now" every tick (a backlog retried) from spinning the game's thread.
        var schedule: TickSchedule
        /// Datagrams were read whose acknowledgements wait for the game's reply (see `service`).
        var burstOwed = false
        /// A thread is servicing now: a second caller only takes events.
        var servicing = false

        /// The work queued so far, in order; `queued` takes the spare list's room.
        mutating func takeQueued() -> [QueuedWork] {
            guard !queued.isEmpty else { return [] }
            var taken = spareQueued.lend()
            swap(&taken, &queued)
            return taken
        }
    }

    /// Most datagrams read in one go before the timers and the queued work get a turn.
    private static let datagramsPerRead = 64

    init(socket: ServicedUDPSocket, clock: MonotonicClock, tickInterval: Duration) {
        self.socket = socket
        self.clock = clock
        let schedule = TickSchedule(minimumSpacing: tickInterval, maximumSleep: NetSession.maximumTimerSleep)
        state = Mutex(State(schedule: schedule))
    }

    /// Binds a socket for `session`; nothing runs until the first service call.
    static func start(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock()
    ) throws(NetError) -> GameThreadTransport {
        let socket: ServicedUDPSocket
        do {
            socket = try ServicedUDPSocket.open(host: host, port: port)
        } catch  where SocketBindError.isPortInUse(error) && port != 0 {
            throw .portInUse(UInt16(clamping: port))
        } catch {
            throw .socketUnavailable(String(describing: error))
        }
        let transport = GameThreadTransport(socket: socket, clock: clock, tickInterval: session.options.tickInterval)
        session.attach(transport)
        return transport
    }

    // MARK: DatagramTransport

    func send(_ datagrams: [Datagram]) {
        socket.send(count: datagrams.count) { (datagrams[$0].address, datagrams[$0].bytes) }
    }

    func runSoon(_ work: @escaping Work) {
        state.withLock { $0.queued.append(QueuedWork(run: work)) }
    }

    /// Timers run at the session's deadlines while the game services, as the network
    /// thread's `DeadlineTimer` runs them: at most one tick per tick interval, and at least one
    /// per `NetSession.maximumTimerSleep`. An earlier deadline already set stays.
    func scheduleTick(at deadline: NetInstant?) {
        let now = clock.now
        state.withLock { state in
            guard let target = state.schedule.request(deadline, now: now) else { return }
            state.nextTick = min(state.nextTick, target)
        }
    }

    var now: NetInstant { clock.now }

    func close() async {
        socket.close()
    }

    /// Impairment needs a thread to deliver delayed datagrams on time; this mode has none.
    func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection) {}

    // MARK: Servicing

    /// Reads what arrived, runs what is due and sends what is queued; then, until `timeout`
    /// passes or the session has an event for the game, waits for datagrams (and runs the
    /// timers when they fall due). Returns at once when another thread is servicing.
    /// - Parameters:
    ///   - returningOnEvents: Whether an event for the game ends the wait (false while the
    ///     library itself drives a handshake or a close, with nobody taking events).
    ///   - reading: Whether to read the socket (false for `flush`, which only sends and runs
    ///     the timers, as `enet_host_flush` does: a datagram read there, after the frame's
    ///     reply has left, would need an acknowledgement of its own at once).
    ///   - done: Ends the wait as soon as it holds (checked after each pass): the library's own
    ///     waits, for a handshake or a close, end the moment it is over, not at `timeout`.
    func service(
        _ session: NetSession, waitingUpTo timeout: Duration, returningOnEvents: Bool = true, reading: Bool = true,
        until done: () -> Bool = { false }
    ) {
        let started = state.withLock { state in
            defer { state.servicing = true }
            return !state.servicing
        }
        guard started else { return }
        defer { state.withLock { $0.servicing = false } }
        let deadline = clock.now + timeout
        while true {
            runQueued()
            let arrived =
                reading
                ? socket.readAvailable(limit: Self.datagramsPerRead) { from, bytes in
                    session.receive(bytes, from: from, now: clock.now)
                } : 0
            if arrived > 0 { session.publishReceived() }
            let now = clock.now
            // Going back to the game with events: their acknowledgements wait for its reply, to
            // leave in one packet with it at `flush` (or at the next `poll`). (ENet's service
            // sends them at once, before the game sees the message: a packet more each way.)
            // Otherwise, as at the end of a read burst on the network thread, they leave now.
            let returning = returningOnEvents && session.events.hasPending
            // One lock for the pass's questions (a lock each was about ten a round trip).
            let (timersDue, burstOwed, heldBefore) = state.withLock { state in
                defer { state.burstOwed = false }
                let due = now >= state.nextTick
                if due { state.schedule.beginFiring() }
                return (due, state.burstOwed || arrived > 0, state.burstOwed)
            }
            // Held once: a game that comes back for more events without answering (a poll,
            // no flush) gets no second hold, or a game that only reads would never
            // acknowledge anything while each poll finds something new.
            let holding = returning && !heldBefore
            if timersDue {
                // The timers run after the read, so they see the acknowledgements and packets
                // that waited in the socket (a stalled game would otherwise take its peers'
                // packets for lost and the peers for silent). While the game is about to
                // answer, their tick sends no acknowledgement on its own: the answer carries
                // them, as above; anything the timers do send carries them too.
                session.tick(now: now, holdingAcknowledgements: holding)
            }
            let holdsBurst = burstOwed && holding
            if burstOwed && !holding && !timersDue { session.serviceReadBurst(now: now) }
            let ended = timersDue ? clock.now : now
            let queued = state.withLock { state in
                if timersDue { state.nextTick = state.schedule.endFiring(at: ended) }
                if holdsBurst { state.burstOwed = true }
                return state.takeQueued()
            }
            run(queued)
            if returning || now >= deadline || done() { return }
            // A full read: more may be waiting, read on before sleeping.
            if arrived == Self.datagramsPerRead { continue }
            // Read now, not with the queue: the work just run may have brought the tick forward.
            let wakeAt = min(deadline, state.withLock { $0.nextTick })
            _ = socket.waitUntilReadable(timeout: wakeAt - clock.now)
        }
    }

    /// Runs the work queued since the last call, oldest first.
    private func runQueued() {
        run(state.withLock { $0.takeQueued() })
    }

    /// Runs `queued`, then hands its list back, emptied, as the spare.
    private func run(_ queued: consuming [QueuedWork]) {
        guard !queued.isEmpty else { return }
        let now = clock.now
        for index in queued.indices { queued[index].run(now) }
        var spent = queued
        spent.empty()
        state.withLock { $0.spareQueued.takeBack(&spent) }
    }
}
