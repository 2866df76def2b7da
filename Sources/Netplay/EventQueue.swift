import NIOConcurrencyHelpers
import NetplayBase

/// The hand-over point between the network thread, which pushes events, and the game, which
/// takes them with `poll()` once a frame or iterates `stream()`.
///
/// Until `stream()` is first called, events wait for `poll()`; from then on they go to the
/// stream only (a program uses one or the other). Both are capped so a game that stops
/// reading cannot make memory grow: past the cap, events are dropped and counted.
final class EventQueue: Sendable {
    private struct State {
        var pending: [NetEvent] = []
        var stream: AsyncStream<NetEvent>?
        var continuation: AsyncStream<NetEvent>.Continuation?
        var dropped = 0
        var finished = false
    }

    private let state = NIOLockedValueBox(State())
    /// True while events wait for `poll()`: what `wait(upTo:)` sleeps on. Taken before `state`
    /// wherever both are.
    private let signal = ConditionLock(value: false)
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Events dropped because nobody was reading.
    var droppedCount: Int { state.withLockedValue { $0.dropped } }

    /// Adds events; `.disconnected(.host, _)`, the last event of a session, ends the stream.
    func push(_ events: [NetEvent]) {
        guard !events.isEmpty else { return }
        signal.lock()
        let waiting = state.withLockedValue { state in
            for index in events.indices {
                let event = events[index]
                if let continuation = state.continuation {
                    if case .dropped = continuation.yield(event) { state.dropped += 1 }
                } else if state.pending.count < capacity {
                    state.pending.append(event)
                } else {
                    state.dropped += 1
                }
                if case .disconnected(.host, _) = event {
                    state.finished = true
                    state.continuation?.finish()
                }
            }
            return !state.pending.isEmpty
        }
        signal.unlock(withValue: waiting)
    }

    /// Whether events wait for `poll()`.
    var hasPending: Bool { state.withLockedValue { !$0.pending.isEmpty } }

    /// Waits until events wait for `poll()`, at most `timeout`; returns whether they do.
    func wait(upTo timeout: Duration) -> Bool {
        let seconds = Double(max(timeout.nanosecondsClamped, 0)) / 1e9
        guard signal.lock(whenValue: true, timeoutSeconds: seconds) else { return false }
        signal.unlock()
        return true
    }

    /// Takes every waiting event, oldest first.
    func poll() -> [NetEvent] {
        signal.lock()
        let events = state.withLockedValue { $0.pending.takeAll() }
        signal.unlock(withValue: false)
        return events
    }

    /// The events as an asynchronous sequence (the same one on every call); events not yet
    /// polled move into it.
    func stream() -> AsyncStream<NetEvent> {
        signal.lock()
        defer { signal.unlock(withValue: false) }
        return state.withLockedValue { state in
            if let stream = state.stream { return stream }
            let (stream, continuation) = AsyncStream.makeStream(
                of: NetEvent.self, bufferingPolicy: .bufferingOldest(capacity))
            for event in state.pending { continuation.yield(event) }
            state.pending = []
            if state.finished { continuation.finish() }
            state.stream = stream
            state.continuation = continuation
            return stream
        }
    }
}
