import Foundation
import Synchronization

/// A thread running one end of a measurement (the echo server, the receiver), with a stop
/// flag it checks between bounded waits and a join that gives up at a deadline.
public final class BackgroundThread: Sendable {
    private let stopFlag = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let failure = Mutex<(any Error)?>(nil)

    /// Starts `body` on a new thread; `body` should return soon after `shouldStop` turns true.
    public init(_ body: @escaping @Sendable (BackgroundThread) throws -> Void) {
        Thread.detachNewThread { [self] in
            do { try body(self) } catch { failure.withLock { $0 = error } }
            done.signal()
        }
    }

    /// Whether the owner asked the thread to finish.
    public var shouldStop: Bool { stopFlag.load(ordering: .acquiring) }

    /// Waits up to `seconds` for the thread to finish by itself, then asks it to stop and
    /// waits up to ``Workload/waitTimeoutSeconds`` more; rethrows what the thread threw.
    public func join(within seconds: Double = 0) throws {
        if done.wait(timeout: .now() + seconds) != .success {
            stopFlag.store(true, ordering: .releasing)
            guard done.wait(timeout: .now() + Workload.waitTimeoutSeconds) == .success else {
                throw BenchmarkError.timedOut("background thread did not finish")
            }
        }
        done.signal()  // Later joins return at once.
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Asks the thread to finish and waits for it.
    public func stopAndJoin() throws { try join(within: 0) }
}
