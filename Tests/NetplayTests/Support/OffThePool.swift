import Foundation

/// Runs CPU-bound test work on a thread of its own and awaits the result.
///
/// Swift Testing runs tests in parallel on the cooperative pool, which has one thread per core
/// (two here). A test that computes for 20 s synchronously holds one of them the whole time;
/// two such tests starve every async test of the pool, so their sleeps and continuations run
/// seconds late and real-socket tests time out. Expectations stay on the test's own task.
func offTheCooperativePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
