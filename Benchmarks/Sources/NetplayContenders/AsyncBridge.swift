import BenchmarkKit
import Dispatch
import Synchronization

/// Runs async Netplay code from the benchmark's synchronous harness (which also drives the
/// blocking ENet and socket code) and waits for it, at most `seconds`. Called only from
/// threads outside Swift's cooperative pool (the main thread), so the wait starves nothing.
func blocking<Value: Sendable>(
    seconds: Double = Workload.runTimeoutSeconds, _ body: @escaping @Sendable () async throws -> Value
) throws -> Value {
    let outcome = OutcomeBox<Value>()
    let finished = DispatchSemaphore(value: 0)
    let task = Task {
        do { outcome.set(.success(try await body())) } catch { outcome.set(.failure(error)) }
        finished.signal()
    }
    guard finished.wait(timeout: .now() + seconds) == .success else {
        task.cancel()
        throw BenchmarkError.timedOut("Netplay operation after \(seconds) s")
    }
    guard let result = outcome.value else { throw BenchmarkError.library("Netplay task ended without a result") }
    return try result.get()
}

/// The result handed from the task to the waiting thread.
private final class OutcomeBox<Value: Sendable>: Sendable {
    private let storage = Mutex<Result<Value, any Error>?>(nil)
    func set(_ result: Result<Value, any Error>) { storage.withLock { $0 = result } }
    var value: Result<Value, any Error>? { storage.withLock { $0 } }
}
