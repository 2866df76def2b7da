import NetplayBase
import NetplayDrivers
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A network thread of Netplay's own, for ``NetServicing/networkThread`` mode: it services its
/// sessions' sockets as the game's thread does in game-thread mode (the same
/// ``SocketTransport`` pass), for as long as they live, and sleeps in `ppoll(2)` on their
/// sockets and a ``WakeSignal`` until a datagram comes, work is queued or a deadline falls
/// due. A host has one of its own, which ends with it; all of a process's clients share one
/// (``clients``), which never ends: a game runs one client, and a bot or a test with many
/// would otherwise wake a thread per client every frame.
///
/// Why not SwiftNIO's event loop, which carried it until the twenty-sixth stop of the fast
/// path: a loopback round trip cost 83,000 instructions there against 51,000 here (callgrind,
/// the benchmark's network-executor and pool fronts alike), of which SwiftNIO's dynamic
/// exclusivity checks, the text of every datagram's source address (`inet_ntop`), its task
/// queue and its channel pipeline were most of the difference; and its loop reserved 192 KiB
/// of task storage per host. See docs/ARCHITECTURE.md.
final class NetworkThread: Sendable {
    /// The thread every client of the process shares, started at first use (and at the next,
    /// if the system had no descriptor left for it then).
    static var clients: NetworkThread? {
        sharedByClients.withLock { thread in
            if thread == nil { thread = NetworkThread(endsWhenIdle: false) }
            return thread
        }
    }
    private static let sharedByClients = Mutex<NetworkThread?>(nil)

    /// What wakes the thread from its sleep.
    let wake: WakeSignal
    /// The clients' thread's sleep while no client is left: nothing to time, only joins.
    private static let idleSleep = Duration.seconds(60)
    /// The thread's own time, which each member's wake time is converted to.
    private let clock = MonotonicClock()
    private let roster: Mutex<Roster>
    /// The thread, once it runs (for ``isCurrent``).
    private let thread = Mutex<pthread_t?>(nil)

    private struct Member {
        let transport: SocketTransport
        let session: NetSession
        var leaving = false
    }

    private struct Roster {
        var members: [Member] = []
        /// Changed at every join and leave, so the thread copies the list only then.
        var version = 0
        /// A host's thread ends once its host has left; the clients' never does.
        let endsWhenIdle: Bool
    }

    /// Starts a thread; `endsWhenIdle` for one that ends when its last session leaves (a
    /// host's own). Nil when the system has no descriptor for the wake signal left.
    init?(endsWhenIdle: Bool) {
        guard let wake = WakeSignal() else { return nil }
        self.wake = wake
        roster = Mutex(Roster(endsWhenIdle: endsWhenIdle))
        DetachedThread.start { [self] in
            thread.withLock { $0 = pthread_self() }
            run()
        }
    }

    /// Whether the caller runs on this thread.
    var isCurrent: Bool {
        guard let thread = thread.withLock({ $0 }) else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Starts servicing `transport`'s socket for `session`.
    func add(_ transport: SocketTransport, serving session: NetSession) {
        roster.withLock { roster in
            roster.members.append(Member(transport: transport, session: session))
            roster.version += 1
        }
        wake.signal()
    }

    /// Stops servicing `transport`: the thread runs the work queued for it so far, then sets
    /// its `threadEnded` latch; from then on the thread never touches its socket.
    func remove(_ transport: SocketTransport) {
        roster.withLock { roster in
            guard let index = roster.members.firstIndex(where: { $0.transport === transport }) else { return }
            roster.members[index].leaving = true
            roster.version += 1
        }
        wake.signal()
    }

    /// The thread's life: passes over the sessions that need one, then sleeps until the next
    /// datagram, queued work or deadline.
    private func run() {
        var members: [Member] = []
        var sockets: [ServicedUDPSocket] = []
        var transports: [SocketTransport] = []
        var version = -1
        var mustPass: [Bool] = []
        var entries: [pollfd] = []
        var readable: [Bool] = []
        var coalesced = CoalescedReads()
        // As long as the longest of the members' options asks (the clients' thread serves
        // several sessions), kept across the loop: it follows how long the waits take.
        var spinning = SpinBeforeSleeping(limit: .zero)
        while true {
            // Joins and leaves: the lists are copied only when they changed.
            var leaving: [Member] = []
            let (changed, ends) = roster.withLock { roster -> (Bool, Bool) in
                guard roster.version != version else { return (false, false) }
                version = roster.version
                leaving = roster.members.filter(\.leaving)
                roster.members.removeAll(where: \.leaving)
                members = roster.members
                // Ends once the last session has left; not before the first has joined.
                return (true, roster.endsWhenIdle && roster.members.isEmpty && !leaving.isEmpty)
            }
            if changed {
                transports = members.map(\.transport)
                sockets = transports.map(\.socket)
                // A session that just joined gets a pass at once: its first tick sends a
                // client's hello.
                mustPass = Array(repeating: true, count: members.count)
                coalesced.reset(count: members.count, transports: transports)
                let limit = members.map(\.session.options.spinBeforeSleeping).max() ?? .zero
                if limit != spinning.limit { spinning = SpinBeforeSleeping(limit: limit) }
                // A change with nobody leaving is a session joining: its handshake comes first.
                if leaving.isEmpty { spinning.arm() }
            }
            // The sessions that left are let go before their transports retire (which lets
            // their `close` return), and the transports once retired: the list kept the last
            // ones until the next wake-up (on the clients' thread, up to a minute later).
            do {
                let retiring = leaving.map(\.transport)
                leaving = []
                for transport in retiring { transport.passLock.withLock { _ in transport.retire() } }
            }
            if ends { return }
            for index in members.indices where mustPass[index] || (index < readable.count && readable[index]) {
                let member = members[index]
                if index < readable.count && readable[index] {
                    member.transport.wakesForDatagrams.add(1, ordering: .relaxed)
                }
                let (arrived, _, _, _) = member.transport.passLock.withLock { _ in
                    member.transport.pass(member.session, reading: .always, returningOnEvents: false)
                }
                // A full read: more may be waiting, read on before sleeping.
                mustPass[index] = arrived >= SocketTransport.datagramsPerRead
                coalesced.noteRead(
                    arrived, full: mustPass[index], by: index, of: (member.session, member.transport), clock: clock)
            }
            // Sleep until the earliest member's wake time, each converted from its session's
            // own clock (arithmetic on the clocks' epochs: converted through readings of both,
            // the thread read the time six times a loop, some 1,300 instructions a round trip);
            // a member with work left, or a full read, gets another pass first, after a look at
            // every socket (a zero wait), so the others' datagrams are not left unread meanwhile.
            var wakeAt = clock.now + (members.isEmpty ? Self.idleSleep : NetSession.maximumTimerSleep)
            var sleeps = true
            for index in members.indices {
                let transport = members[index].transport
                let memberWake = transport.passLock.withLock { _ in
                    transport.wakeTimeOnceIdle(until: clock.instant(wakeAt, on: transport.clock))
                }
                if let memberWake, !mustPass[index] {
                    wakeAt = min(wakeAt, transport.clock.instant(memberWake, on: clock))
                } else {
                    mustPass[index] = true
                    sleeps = false
                }
            }
            // Sockets whose reads coalesce stay out of the wait until their delay is over, and
            // the thread wakes then: what came meanwhile is read in one pass (or sooner, by a
            // pass for their timers or queued work, which reads as every pass does, or by the
            // game's poll).
            coalesced.plan(wakeAt: &wakeAt, clock: clock)
            // Read after planning, which runs queued work and takes time.
            ServicedUDPSocket.waitUntilAnyReadable(
                sockets, timeout: sleeps ? wakeAt - clock.now : .zero, waking: wake, entries: &entries,
                readable: &readable, leavingOut: coalesced.leftOut, spinning: &spinning)
            // Who needs a pass: work was queued for it, its deadline came, or its delay is
            // over; a readable socket is in `readable`.
            for index in members.indices where members[index].transport.wakesUp() { mustPass[index] = true }
            coalesced.due(clock: clock, transports: transports) { mustPass[$0] = true }
        }
    }
}

extension SocketTransport {
    /// Ends the network thread's care of this transport: no more work runs there (the
    /// executor's jobs go to Swift's global executor from now on); what was queued runs now.
    func retire() {
        // A poll no longer finds a socket left out of a wait that is over.
        readsLeftOut.store(false, ordering: .relaxed)
        run(
            state.withLock { state in
                state.retired = true
                state.sleeping = false
                return state.takeQueued()
            })
        executor.withLock { $0 }?.letGo()
        threadEnded.set(())
    }

    /// Wakes from the network thread's sleep: whether this transport needs a pass now
    /// (work was queued for it, its timers or a delayed datagram are due).
    func wakesUp() -> Bool {
        let now = clock.now
        let (queued, due) = state.withLock { state in
            _ = state.wakeFromSleep()
            return (!state.queued.isEmpty, now >= state.nextTick)
        }
        if queued || due { return true }
        guard let next = nextImpairedDelivery else { return false }
        return now >= next
    }

    /// Whether the caller runs on this transport's network thread.
    var isOnNetworkThread: Bool { networkThread?.isCurrent ?? false }
}

/// A thread that runs one closure and ends, detached: nothing joins it (a transport's
/// ``SocketTransport/close()`` awaits a latch instead, without blocking a thread).
enum DetachedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) {
        let body = Unmanaged.passRetained(Body(run)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let result = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
                return nil
            }, body)
        // Out of threads is out of a resource the process cannot go on without.
        precondition(result == 0, "Netplay could not start its network thread: pthread_create returned \(result)")
        #if canImport(Glibc)
        pthread_detach(thread)
        #else
        pthread_detach(thread!)
        #endif
    }
}

/// A task executor that runs jobs on a transport's network thread: async code that prefers it
/// (`Task(executorPreference:)`, `withTaskExecutorPreference`) runs there, so an event reaches
/// it and its reply reaches the socket without a thread hand-off. Once the thread has let
/// the transport go, jobs run on Swift's global executor, so a task that awaits the close
/// resumes there.
final class NetworkThreadExecutor: TaskExecutor {
    /// The transport whose queue takes the jobs, until it retires (``SocketTransport/retire()``
    /// lets it go, which breaks the cycle through the transport's `executor`). Not a weak
    /// reference: one gives the transport a side table, and every retain and release of it
    /// then takes the runtime's slow path, some 1,000 instructions a round trip.
    private let transport: Mutex<SocketTransport?>

    init(transport: SocketTransport) {
        self.transport = Mutex(transport)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let queued = transport.withLock { $0 }?.enqueue(.job(job, on: executor)) ?? false
        if !queued { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }

    /// Jobs go to Swift's global executor from now on.
    func letGo() {
        transport.withLock { $0 = nil }
    }
}
