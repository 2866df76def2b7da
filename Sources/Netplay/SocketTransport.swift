import NetplayBase
import NetplayDrivers
import NetplayLinkConditioner
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A session's socket, read, timed and flushed by one thread at a time through
/// ``service(_:waitingUpTo:returningOnEvents:reading:until:)``: in ``NetServicing/gameThread``
/// mode by the game's (through `poll`, `poll(waitingUpTo:)` and `flush`), in
/// ``NetServicing/networkThread`` mode by a thread of the transport's own
/// (SocketTransport-thread.swift), which sleeps in `poll(2)` between datagrams, deadlines and
/// work queued for it.
///
/// Work the session asks to run "soon" (a flush after the first send of a batch, a deferred
/// handshake) runs at the next pass: on the network thread at once (a sleeping thread is
/// woken for it), in game-thread mode at the next service call, as an ENet packet waits for the
/// next `enet_host_service` or `enet_host_flush`.
final class SocketTransport: DatagramTransport {
    let socket: ServicedUDPSocket
    let clock: MonotonicClock
    let state: Mutex<State>
    /// Set when the transport has a network thread of its own: what wakes that thread when
    /// work is queued, or a delayed datagram falls due, while it sleeps.
    let wake: WakeSignal?
    /// The network thread, once it runs (for ``isOnNetworkThread``).
    let networkThread = Mutex<pthread_t?>(nil)
    /// Set once the network thread has run its last work.
    let threadEnded = Latch<Void>()
    /// Runs async code on the network thread (nil without one), made when it starts.
    let executor = Mutex<NetworkThreadExecutor?>(nil)
    /// The link conditioners of ``setImpairment(_:for:)``, made at the first call.
    let impairment = Mutex<ImpairedLinks?>(nil)
    /// Whether either direction is impaired: read at every send and read, without the lock.
    let isImpaired = Atomic<Bool>(false)

    typealias Work = @Sendable (NetInstant) -> Void

    /// A closure in a struct: an array of bare closures holds them at the generic
    /// abstraction, and each one appended was wrapped in a thunk made for it (an allocation
    /// per flush asked for).
    struct QueuedWork {
        let run: Work
    }

    struct State {
        var queued: [QueuedWork] = []
        /// The list the last queued work was run from, emptied with its room: it and `queued`
        /// trade places, so queuing work (a flush, for each batch of sends) allocates nothing.
        /// Drained with `takeAll()`, which leaves a new reservation behind, each flush cost an
        /// allocation: two a round trip.
        var spareQueued: [QueuedWork] = []
        /// When the protocol's timers next run, whatever arrives meanwhile: the session's next
        /// deadline (``scheduleTick(at:)``), as `schedule` spaces them.
        var nextTick = NetInstant.zero
        /// The rule for the timer's ticks (see `TickSchedule`): it also keeps a session that
        /// asks for "now" every tick (a backlog retried) from spinning its thread.
        var schedule: TickSchedule
        /// Datagrams were read whose acknowledgements wait for the game's reply (see `service`).
        var burstOwed = false
        /// A thread is servicing now: a second caller only takes events.
        var servicing = false
        /// The network thread sleeps in `poll` and needs the wake signal to see new work.
        var sleeping = false
        /// The network thread is asked to stop (``close()``).
        var stopping = false
        /// The network thread has run its last work: later work has no thread to run on.
        var retired = false

        /// The work queued so far, in order; `queued` takes the spare list's room.
        mutating func takeQueued() -> [QueuedWork] {
            guard !queued.isEmpty else { return [] }
            var taken = spareQueued.lend()
            swap(&taken, &queued)
            return taken
        }
    }

    /// - Parameter wake: Given for a transport with a network thread of its own.
    init(socket: ServicedUDPSocket, clock: MonotonicClock, tickInterval: Duration, wake: WakeSignal? = nil) {
        self.socket = socket
        self.clock = clock
        self.wake = wake
        let schedule = TickSchedule(minimumSpacing: tickInterval, maximumSleep: NetSession.maximumTimerSleep)
        state = Mutex(State(schedule: schedule))
    }

    /// Binds a socket for `session`. With `threaded`, starts the network thread that services
    /// it until ``close()``; without, nothing runs until the game's first service call.
    static func start(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock(), threaded: Bool
    ) throws(NetError) -> SocketTransport {
        let socket: ServicedUDPSocket
        do {
            socket = try ServicedUDPSocket.open(host: host, port: port)
        } catch  where SocketBindError.isPortInUse(error) && port != 0 {
            throw .portInUse(UInt16(clamping: port))
        } catch {
            throw .socketUnavailable(String(describing: error))
        }
        var wake: WakeSignal?
        if threaded {
            wake = WakeSignal()
            guard wake != nil else {
                socket.close()
                throw .socketUnavailable("no descriptor left for the network thread's wake signal")
            }
        }
        let transport = SocketTransport(
            socket: socket, clock: clock, tickInterval: session.options.tickInterval, wake: wake)
        session.attach(transport)
        if threaded { transport.startThread(serving: session) }
        return transport
    }

    // MARK: DatagramTransport

    func send(_ datagrams: [Datagram]) {
        if isImpaired.load(ordering: .relaxed) { return sendImpaired(datagrams) }
        socket.send(count: datagrams.count) { (datagrams[$0].address, datagrams[$0].bytes) }
    }

    func runSoon(_ work: @escaping Work) {
        _ = enqueue(work)
    }

    /// Queues `work` for the next pass, waking the network thread if it sleeps. False (nothing
    /// queued) once that thread has ended.
    func enqueue(_ work: @escaping Work) -> Bool {
        let (accepted, mustWake) = state.withLock { state -> (Bool, Bool) in
            guard !state.retired else { return (false, false) }
            state.queued.append(QueuedWork(run: work))
            defer { state.sleeping = false }
            return (true, state.sleeping)
        }
        if mustWake { wake?.signal() }
        return accepted
    }

    /// Timers run at the session's deadlines: at most one tick per tick interval, and at least
    /// one per `NetSession.maximumTimerSleep`. An earlier deadline already set stays. The
    /// session asks from the servicing thread, which sees the deadline before it sleeps again;
    /// a sleeping network thread is woken for an earlier one all the same.
    func scheduleTick(at deadline: NetInstant?) {
        let now = clock.now
        let mustWake = state.withLock { state -> Bool in
            guard let target = state.schedule.request(deadline, now: now), target < state.nextTick else {
                return false
            }
            state.nextTick = target
            defer { state.sleeping = false }
            return state.sleeping
        }
        if mustWake { wake?.signal() }
    }

    var now: NetInstant { clock.now }

    var taskExecutor: (any TaskExecutor)? { executor.withLock { $0 } }

    /// Stops the network thread, if there is one, once it has run the work queued before the
    /// call; then closes the socket.
    func close() async {
        if wake != nil {
            let first = state.withLock { state in
                defer { state.stopping = true }
                return !state.stopping
            }
            if first { wake?.signal() }
            await threadEnded.wait()
        }
        socket.close()
    }
}
