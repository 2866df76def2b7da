import NetplayBase
import NetplayDrivers
import NetplayLinkConditioner
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A session's socket, read, timed and flushed by one thread at a time, a pass at a time
/// (``pass(_:reading:returningOnEvents:)``): in ``NetServicing/gameThread`` mode by the game's,
/// through ``service(_:waitingUpTo:returningOnEvents:reading:until:)`` (`poll`,
/// `poll(waitingUpTo:)` and `flush`); in ``NetServicing/networkThread`` mode by a
/// ``NetworkThread`` (a host's own, or the one clients share), which sleeps in `ppoll(2)`
/// between datagrams, deadlines and work queued for it.
///
/// Work the session asks to run "soon" (a flush after the first send of a batch, a deferred
/// handshake) runs at the next pass: on the network thread at once (a sleeping thread is
/// woken for it), in game-thread mode at the next service call, as an ENet packet waits for the
/// next `enet_host_service` or `enet_host_flush`.
final class SocketTransport: DatagramTransport {
    let socket: ServicedUDPSocket
    let clock: MonotonicClock
    let state: Mutex<State>
    /// The network thread that services the transport (nil in game-thread mode).
    let networkThread: NetworkThread?
    /// What wakes the network thread when work is queued while it sleeps.
    var wake: WakeSignal? { networkThread?.wake }
    /// Set once the network thread has let the transport go, its last work run.
    let threadEnded = Latch<Void>()
    /// Runs async code on the network thread (nil without one), made when it starts.
    let executor = Mutex<NetworkThreadExecutor?>(nil)
    /// The link conditioners of ``setImpairment(_:for:)``, made at the first call.
    let impairment = Mutex<ImpairedLinks?>(nil)
    /// Whether either direction is impaired: read at every send and read, without the lock.
    let isImpaired = Atomic<Bool>(false)
    /// Held by whoever runs the session's work in network-thread mode: the network thread
    /// for each of its passes (and the queued work it runs before it sleeps, and its last when
    /// it retires the transport), a client's first pass in `start`, or a sender flushing its
    /// own messages while that thread sleeps (`NetSession.requestSendFlush()`).
    /// A pass publishes its events, and hands its datagrams to the socket, after it lets go
    /// of the core's lock: one pass at a time keeps both in order.
    let passLock = Mutex<Void>(())
    /// Whether the network thread has left the socket out of its wait, its reads coalescing
    /// (``NetOptions/readCoalescingDelay``): the game's `poll()` then reads it first.
    let readsLeftOut = Atomic<Bool>(false)
    /// For tests of coalesced reads: the network thread's wake-ups for a datagram on this
    /// socket (not for queued work or a deadline), its passes at the end of a delay, and the
    /// reads polls made of the socket left out. Counted with a relaxed add, a few a pass at
    /// most.
    let wakesForDatagrams = Atomic<Int>(0)
    let passesAfterCoalescing = Atomic<Int>(0)
    let readsBeforePolls = Atomic<Int>(0)

    /// Which thread services a transport.
    enum Servicing {
        /// The game's, through `poll` and `flush` (``NetServicing/gameThread``).
        case gameThread
        /// A network thread of the session's own (a host's).
        case ownThread
        /// The network thread all clients of the process share.
        case clientsThread
    }

    /// Queued work: a session's work and the session, or a job of the network thread's task
    /// executor. Not closures: an array of them holds them at the generic abstraction, and
    /// each one appended was wrapped in a thunk made for it (an allocation per flush asked
    /// for); and a job wrapped in a closure was an allocation per job.
    enum QueuedWork {
        case forSession(NetSession, SessionWork)
        case job(UnownedJob, on: UnownedTaskExecutor)

        func run(_ now: NetInstant) {
            switch self {
            case .forSession(let session, let work): work(session, now)
            case .job(let job, let executor): job.runSynchronously(on: executor)
            }
        }
    }

    struct State {
        var queued = Self.emptyQueue()
        /// The list the last queued work was run from, emptied with its room: it and `queued`
        /// trade places, so queuing work (a flush, for each batch of sends) allocates nothing.
        /// Drained with `takeAll()`, which leaves a new reservation behind, each flush cost an
        /// allocation: two a round trip.
        var spareQueued = Self.emptyQueue()

        /// A list with room for a few pieces of work, made with the transport: grown at first
        /// use instead, each of the two lists cost one allocation on the thread that first
        /// queued into it, which, where senders flush their own replies, can be the game's,
        /// long after its start (the first time its flush fell back to the network thread).
        static func emptyQueue() -> [QueuedWork] {
            var list: [QueuedWork] = []
            list.reserveCapacity(8)
            return list
        }
        /// When the protocol's timers next run, whatever arrives meanwhile: the session's next
        /// deadline (``scheduleTick(at:)``), as `schedule` spaces them.
        var nextTick = NetInstant.zero
        /// The rule for the timer's ticks (see `TickSchedule`): it also keeps a session that
        /// asks for "now" every tick (a backlog retried) from spinning its thread.
        var schedule: TickSchedule
        /// Whether a game-thread wait for datagrams spins first (see `service`): kept from one
        /// service call to the next, as the spin follows how long the last waits took.
        var spinning: SpinBeforeSleeping
        /// Datagrams were read whose acknowledgements wait for the game's reply (see `service`).
        var burstOwed = false
        /// The thread servicing now, if one is: a second caller only takes events, and a
        /// synchronous close must not wait for itself there.
        var servicingThread: pthread_t?
        /// The network thread sleeps in `ppoll` and needs the wake signal to see new work.
        var sleeping = false
        /// The transport's last work has run or been let go (its network thread let go of it,
        /// or it closed): later work has nowhere to run.
        var retired = false

        /// Whether the network thread was asleep, and from now on it is taken for awake: the
        /// one who finds it asleep signals it, once.
        mutating func wakeFromSleep() -> Bool {
            defer { sleeping = false }
            return sleeping
        }

        /// The work queued so far, in order; `queued` takes the spare list's room.
        mutating func takeQueued() -> [QueuedWork] {
            guard !queued.isEmpty else { return [] }
            var taken = spareQueued.lend()
            swap(&taken, &queued)
            return taken
        }
    }

    /// - Parameter networkThread: The thread that services the transport, in network-thread mode.
    /// - Parameter spinBeforeSleeping: How long a game-thread wait spins before it sleeps
    ///   (``NetOptions/spinBeforeSleeping``).
    init(
        socket: ServicedUDPSocket, clock: MonotonicClock, tickInterval: Duration,
        spinBeforeSleeping: Duration, networkThread: NetworkThread? = nil
    ) {
        self.socket = socket
        self.clock = clock
        self.networkThread = networkThread
        let schedule = TickSchedule(minimumSpacing: tickInterval, maximumSleep: NetSession.maximumTimerSleep)
        // Armed: the session's handshake comes first (see `SpinBeforeSleeping.arm()`).
        var spinning = SpinBeforeSleeping(limit: spinBeforeSleeping)
        spinning.arm()
        state = Mutex(State(schedule: schedule, spinning: spinning))
    }

    /// Binds a socket for `session`. With a network thread (a host's own, or the one clients
    /// share), that thread services it until ``close()``; without, nothing runs until the
    /// game's first service call.
    static func start(
        _ session: NetSession, host: String, port: Int, clock: MonotonicClock = MonotonicClock(),
        servicedBy servicing: Servicing
    ) throws(NetError) -> SocketTransport {
        let socket: ServicedUDPSocket
        do {
            socket = try ServicedUDPSocket.open(host: host, port: port)
        } catch  where SocketBindError.isPortInUse(error) && port != 0 {
            throw .portInUse(UInt16(clamping: port))
        } catch {
            throw .socketUnavailable(String(describing: error))
        }
        // The thread after the socket: a host's own would otherwise outlive a failed bind.
        var thread: NetworkThread?
        if servicing != .gameThread {
            thread = servicing == .clientsThread ? NetworkThread.clients : NetworkThread(endsWhenIdle: true)
            guard thread != nil else {
                socket.close()
                throw .socketUnavailable("no descriptor left for the network thread's wake signal")
            }
        }
        let transport = SocketTransport(
            socket: socket, clock: clock, tickInterval: session.options.tickInterval,
            spinBeforeSleeping: session.options.spinBeforeSleeping, networkThread: thread)
        session.attach(transport)
        if let thread {
            transport.executor.withLock { $0 = NetworkThreadExecutor(transport: transport) }
            // A client's first pass, which sends its hello, runs here, before any other thread
            // services the transport: handed to the clients' thread, the hello waited for that
            // thread to be woken and to take the new socket on (about 60 µs of a loopback
            // connect, traced).
            if servicing == .clientsThread {
                transport.passLock.withLock { _ in
                    _ = transport.pass(session, reading: .never, returningOnEvents: false)
                }
            }
            thread.add(transport, serving: session)
        }
        return transport
    }

    // MARK: DatagramTransport

    func send(_ datagrams: [Datagram]) {
        if isImpaired.load(ordering: .relaxed) { return sendImpaired(datagrams) }
        socket.send(count: datagrams.count) { (datagrams[$0].address, datagrams[$0].bytes) }
    }

    func runSoon(for session: NetSession, _ work: @escaping SessionWork) {
        _ = enqueue(.forSession(session, work))
    }

    /// Queues `work` for the next pass, waking the network thread if it sleeps. False (nothing
    /// queued) once the transport has retired (its network thread let go of it, or it closed).
    func enqueue(_ work: QueuedWork) -> Bool {
        let (accepted, mustWake) = state.withLock { state -> (Bool, Bool) in
            guard !state.retired else { return (false, false) }
            state.queued.append(work)
            return (true, state.wakeFromSleep())
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
            return state.wakeFromSleep()
        }
        if mustWake { wake?.signal() }
    }

    var now: NetInstant { clock.now }

    /// Whether a network thread services the transport and has found nothing queued for it
    /// before it sleeps (it clears this when it wakes, before its pass). A hint: it stays set
    /// while the thread plans its other members, and a full read leaves it set for a zero
    /// wait; a sender's flush is kept in order by the pass lock, not by this.
    var networkThreadSleeps: Bool { wake != nil && state.withLock { $0.sleeping } }

    var taskExecutor: (any TaskExecutor)? { executor.withLock { $0 } }

    /// Leaves the network thread, if there is one, once it has run the work queued before the
    /// call; then closes the socket.
    func close() async {
        if let networkThread {
            networkThread.remove(self)
            await threadEnded.wait()
        }
        closeSocket()
    }

    /// ``close()`` from code that is not async, blocking this thread while the network thread
    /// lets go (never call it on the network thread itself).
    func closeSynchronously() {
        if let networkThread {
            networkThread.remove(self)
            threadEnded.waitBlocking()
        }
        closeSocket()
    }

    /// The end of a close, once no network thread services the transport: lets go of the work
    /// still queued, then closes the socket.
    private func closeSocket() {
        // Work queued from now on has nowhere to run, and work still queued (on the game's
        // thread, what the last pass queued) is let go: it holds its session (see
        // `runSoon(for:_:)`), which holds this transport. A task's job goes to Swift's
        // global executor, as the network executor's do once its thread has let go.
        let dropped = state.withLock { state in
            state.retired = true
            return state.takeQueued()
        }
        for work in dropped {
            if case .job(let job, _) = work { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
        }
        // Released here, outside the lock: a session's deinit may run now.
        _ = consume dropped
        socket.close()
    }
}
