import NIOConcurrencyHelpers
import NetplayBase

/// A value set once and awaited by any number of tasks, or waited for by threads: the outcome
/// of a handshake, the end of a close. Waiters that arrive after it is set get the value at
/// once.
final class Latch<Value: Sendable>: Sendable {
    /// How a waiter is woken with the value: a task's continuation, or a blocked thread's wake.
    private typealias Waiter = @Sendable (Value) -> Void

    private enum State {
        case waiting([Waiter])
        case set(Value)
    }

    private let state = NIOLockedValueBox(State.waiting([]))

    /// Sets the value and wakes the waiters; later calls do nothing (the first outcome wins).
    func set(_ value: Value) {
        let waiters = state.withLockedValue { state -> [Waiter] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .set(value)
            return waiters
        }
        // Woken outside the lock, so a waiter never runs while we hold it.
        for waiter in waiters { waiter(value) }
    }

    /// The value, if set.
    var value: Value? {
        state.withLockedValue { state in
            if case .set(let value) = state { return value }
            return nil
        }
    }

    /// Waits until the value is set.
    func wait() async -> Value {
        await withCheckedContinuation { continuation in
            if let ready = enqueue({ continuation.resume(returning: $0) }) { continuation.resume(returning: ready) }
        }
    }

    /// Blocks this thread until the value is set: for code that is not async (a game's own
    /// loop). Never from a thread of Swift's pool, which the setter may need.
    func waitBlocking() -> Value {
        // `!`: without a time limit, the wait ends only once the value is set.
        waitBlocking(upTo: nil)!
    }

    /// ``waitBlocking()``, giving up after `timeout` (nil: never): the value, or nil if it
    /// was not set in time. A wait that gives up stays listed, harmlessly, until the value
    /// is set (bounded by how often a caller gives up before then).
    func waitBlocking(upTo timeout: Duration?) -> Value? {
        let arrived = ConditionLock(value: false)
        let ready = enqueue { _ in
            arrived.lock()
            arrived.unlock(withValue: true)
        }
        if let ready { return ready }
        if let timeout {
            guard arrived.lock(whenValue: true, timeoutSeconds: timeout.secondsDouble) else { return nil }
        } else {
            arrived.lock(whenValue: true)
        }
        arrived.unlock()
        // The value is set before any waiter is woken.
        return value
    }

    /// Adds `waiter` unless the value is set already; then returns the value instead.
    private func enqueue(_ waiter: @escaping Waiter) -> Value? {
        state.withLockedValue { state in
            switch state {
            case .set(let value):
                return value
            case .waiting(var waiters):
                waiters.append(waiter)
                state = .waiting(waiters)
                return nil
            }
        }
    }
}
