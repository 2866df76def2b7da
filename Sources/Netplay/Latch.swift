import NIOConcurrencyHelpers

/// A value set once and awaited by any number of tasks: the outcome of a handshake, the end
/// of a close. Waiters that arrive after it is set get the value at once.
final class Latch<Value: Sendable>: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Value, Never>])
        case set(Value)
    }

    private let state = NIOLockedValueBox(State.waiting([]))

    /// Sets the value and wakes the waiters; later calls do nothing (the first outcome wins).
    func set(_ value: Value) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Value, Never>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .set(value)
            return waiters
        }
        // Resumed outside the lock, so a waiter never runs while we hold it.
        for waiter in waiters { waiter.resume(returning: value) }
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
            let ready = state.withLockedValue { state -> Value? in
                switch state {
                case .set(let value):
                    return value
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
