import NIOConcurrencyHelpers

/// The task's value, or nil if it has none within `limit`: for a test whose failure would be
/// a task suspended forever. `Task.value` ignores cancellation, so a task group cannot bound
/// the wait (it waits for every child); whichever of the value and the deadline comes first
/// resumes the test instead, and a hung task is left behind rather than hanging the suite.
func boundedValue<T: Sendable>(of task: Task<T, Never>, within limit: Duration) async -> T? {
    let waiting = NIOLockedValueBox<CheckedContinuation<T?, Never>?>(nil)
    let deadline = NIOLockedValueBox<Task<Void, Never>?>(nil)
    defer { deadline.withLockedValue { $0 }?.cancel() }
    return await withCheckedContinuation { continuation in
        // Stored before either side can finish, so neither finds it missing.
        waiting.withLockedValue { $0 = continuation }
        Task {
            let value = await task.value
            waiting.withLockedValue { $0.take() }?.resume(returning: value)
        }
        deadline.withLockedValue {
            $0 = Task {
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                waiting.withLockedValue { $0.take() }?.resume(returning: nil)
            }
        }
    }
}
