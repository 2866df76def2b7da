import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The network thread of ``NetServicing/networkThread`` mode: a thread of the transport's own
/// that services the socket as the game's thread does in game-thread mode, but for as long as
/// the session lives, sleeping in `poll(2)` on the socket and a ``WakeSignal``.
///
/// Why not SwiftNIO's event loop, which carried it until the twenty-sixth stop of the fast
/// path: a loopback round trip cost 83,000 instructions there against 52,000 here (callgrind,
/// the benchmark's network-executor and pool fronts alike), of which SwiftNIO's dynamic
/// exclusivity checks, the text of every datagram's source address (`inet_ntop`), its task
/// queue and its channel pipeline were most of the difference; and its loop reserved 192 KiB
/// of task storage per host. See docs/ARCHITECTURE.md.
extension SocketTransport {
    /// Starts the network thread.
    func startThread(serving session: NetSession) {
        executor.withLock { $0 = NetworkThreadExecutor(transport: self) }
        DetachedThread.start { [self] in
            networkThread.withLock { $0 = pthread_self() }
            serviceUntilClosed(session)
        }
    }

    /// Whether the caller runs on this transport's network thread.
    var isOnNetworkThread: Bool {
        guard let thread = networkThread.withLock({ $0 }) else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// The network thread's life: services `session` until ``close()`` asks it to stop, then
    /// runs what was queued last (the executor's jobs among it) and ends. Work queued later
    /// has no thread: the executor's jobs go to Swift's global executor instead.
    private func serviceUntilClosed(_ session: NetSession) {
        let stopping = { self.state.withLock { $0.stopping } }
        while !stopping() {
            service(session, waitingUpTo: NetSession.maximumTimerSleep, returningOnEvents: false, until: stopping)
        }
        run(
            state.withLock { state in
                state.retired = true
                return state.takeQueued()
            })
        threadEnded.set(())
    }
}

/// A thread that runs one closure and ends, detached: nothing joins it (the transport's
/// ``SocketTransport/close()`` awaits the latch it sets instead, without blocking a thread).
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
/// it and its reply reaches the socket without a thread hand-off. Once the thread has ended,
/// jobs run on Swift's global executor, so a task that awaits the close resumes there.
final class NetworkThreadExecutor: TaskExecutor {
    /// Weak: the transport keeps its executor.
    private weak let transport: SocketTransport?

    init(transport: SocketTransport) {
        self.transport = transport
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let queued = transport?.enqueue { _ in job.runSynchronously(on: executor) } ?? false
        if !queued { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }
}
