import BenchmarkKit
import Netplay

/// Netplay through its public API only (`NetHost`, `NetClient`, `send`, `poll`/`events`),
/// with default options except where a figure needs a larger limit (said where it is set):
/// what a game gets out of the box.
public struct NetplayContender: Contender {
    /// How the game takes events and who drives the socket.
    public enum Front: Sendable {
        /// The `events` sequence, network thread (async code on Swift's shared pool).
        case events
        /// The `events` sequence read by tasks that prefer the network thread's executor
        /// (`NetHost.executor`, `NetClient.executor`): async code with no thread hand-off.
        case networkExecutor
        /// `poll(waitingUpTo:)` on the game's thread, network thread.
        case poll
        /// `poll(waitingUpTo:)` and `flush()` on the game's thread, which also drives the
        /// socket (`NetServicing.gameThread`, as ENet's `enet_host_service`).
        case gameThread
    }

    public let name: String
    let front: Front

    public init(front: Front = .events) {
        self.front = front
        switch front {
        case .events: name = "Netplay"
        case .networkExecutor: name = "Netplay, network executor"
        case .poll: name = "Netplay, poll"
        case .gameThread: name = "Netplay, game thread"
        }
    }

    /// The library's default options, but for `NETPLAY_BENCH_SPIN_US`
    /// (``Workload/spinBeforeSleepingMicroseconds``) when it is set.
    static var defaultOptions: NetOptions {
        var options = NetOptions()
        if let microseconds = Workload.spinBeforeSleepingMicroseconds {
            options.spinBeforeSleeping = .microseconds(microseconds)
        }
        return options
    }

    /// Default options, with this front's servicing.
    var frontOptions: NetOptions {
        var options = Self.defaultOptions
        if front == .gameThread { options.servicing = .gameThread }
        return options
    }

    /// Whether the front reads `events` (on the shared pool or the network executor).
    var readsEvents: Bool { front == .events || front == .networkExecutor }

    /// Starts `body` as a task on the network thread's `executor` for the network-executor
    /// front, and as a plain task for the others: a `nil` preference is not free (every async
    /// call under it takes the task's status-record lock, 150 instructions a message in the
    /// streams under callgrind), so the fronts without one make none.
    func startTask<Result: Sendable>(
        preferring executor: (any TaskExecutor)?, _ body: @escaping @Sendable () async -> Result
    ) -> Task<Result, Never> {
        guard front == .networkExecutor, let executor else { return Task(operation: body) }
        return Task(executorPreference: executor, operation: body)
    }

    /// Runs `body` on the network thread's `executor` for the network-executor front, and as
    /// it is for the others (see ``startTask(preferring:_:)``).
    func run<Result>(preferring executor: (any TaskExecutor)?, _ body: () async throws -> Result) async throws
        -> Result
    {
        guard front == .networkExecutor, let executor else { return try await body() }
        return try await withTaskExecutorPreference(executor) { try await body() }
    }

    /// Starts a host on 127.0.0.1 with a free port.
    static func startHost(options: NetOptions = defaultOptions) async throws -> NetHost {
        try await NetHost.start(
            game: benchmarkGame, port: 0, interface: loopback, messages: benchmarkMessages, options: options,
            advertise: nil)  // measure the game socket only; never broadcast from a benchmark
    }

    /// ``startHost(options:)`` for a synchronous loop, as a game loop that is not async code
    /// starts one (and as ENet's host is made): it runs no task, so Swift's concurrency
    /// runtime is not brought up for it.
    static func startHostSynchronously(options: NetOptions) throws -> NetHost {
        try NetHost.startSynchronously(
            game: benchmarkGame, port: 0, interface: loopback, messages: benchmarkMessages, options: options,
            advertise: nil)  // as above
    }

    /// Connects a client to the host on `port`.
    static func connect(toPort port: UInt16, options: NetOptions = defaultOptions) async throws -> NetClient {
        try await NetClient.connect(
            to: loopback, port: Int(port), game: benchmarkGame, messages: benchmarkMessages, options: options)
    }

    /// Sends, and while the session's send buffer is full (``NetSendError/queueFull``) waits a
    /// moment and tries again: what a game that must not drop the message does.
    static func sendWhenAccepted(_ send: () throws(NetSendError) -> Void) async throws {
        // Read the clock only once the buffer is full: a deadline worked out before every send
        // was a clock read per message on the sender's thread (4 % of a stream's samples),
        // which ENet's sender, queuing without one, does not pay.
        var deadline: UInt64 = 0
        while true {
            do throws(NetSendError) {
                try send()
                return
            } catch .queueFull {
                if deadline == 0 { deadline = Workload.waitDeadline() }
                guard Stopwatch.nanoseconds() < deadline else {
                    throw BenchmarkError.timedOut("Netplay send buffer stayed full")
                }
                try await Task.sleep(for: queueFullBackoff)
            }
        }
    }

    /// How long a sender waits before retrying a full send buffer: a fraction of a tick.
    static let queueFullBackoff = Duration.microseconds(200)
}

extension Workload {
    /// A deadline ``waitTimeoutSeconds`` from now.
    static func waitDeadline() -> UInt64 { Stopwatch.nanoseconds() + UInt64(waitTimeoutSeconds * 1e9) }
}
