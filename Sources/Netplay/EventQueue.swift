import NIOConcurrencyHelpers
import NetplayBase
import Synchronization

/// The hand-over point between the network thread, which pushes events, and the game, which
/// takes them with `poll()` once a frame or iterates the `events` sequence.
///
/// Until the sequence is first made, events wait for `poll()`; from then on they are the
/// sequence's only (a program uses one or the other). The sequence takes every waiting event
/// in one batch per wake-up, not one resumption per event. Both are capped so a game that stops
/// reading cannot make memory grow: past the cap, events are dropped and counted.
@usableFromInline
final class EventQueue: Sendable {
    private struct State {
        var pending: [NetEvent] = []
        /// The batch `poll()` last returned, kept so its storage comes back once the game
        /// lets go of it: emptied in place, it takes the next batch's events, and the lists
        /// cycle between the core, this queue and the game without being allocated again.
        var polled: [NetEvent] = []
        /// The sequence has been made: `poll()` no longer takes events.
        var streaming = false
        /// The sequence's reader, waiting for a batch. Unsafe rather than checked: resumed
        /// exactly once, by whoever takes it out of here under the lock (a push, a second
        /// reader displacing it, or its cancellation). A checked one's layout is not known
        /// when compiling, and each push looked up its type's metadata to size its locals,
        /// about 100 instructions even with nothing to push. With the number of the wait it
        /// belongs to: a reader's cancellation takes out its own wait only, never the one of
        /// a reader that displaced it (which it used to end with nothing).
        var reader: (continuation: ReaderContinuation, wait: UInt64)?
        /// Waits for a batch so far, numbering them.
        var waits: UInt64 = 0
        var dropped = 0
        /// `.disconnected(.host, _)`, the last event of a session, has been pushed.
        var finished = false
        /// Threads in `wait(upTo:)`: only for them does a push touch `signal`.
        var waiters = 0
        /// `signal` may have been raised since the last `poll()`, which lowers it.
        var signalRaised = false

        /// The sequence's last batch, handed back emptied by its reader: the next batch's
        /// storage. The lists cycle between the core, this queue and the reader, none
        /// allocated again (`takeAll()`, which left a new reservation behind, cost an
        /// allocation a batch: one a message in a ping-pong).
        var spare: [NetEvent] = []

        /// Events wait for `poll()`.
        var hasPending: Bool { !streaming && !pending.isEmpty }

        /// The pending events, for the sequence's reader; `pending` takes the spare's room.
        mutating func takePendingForReader() -> [NetEvent] {
            var batch = spare.lend()
            swap(&batch, &pending)
            return batch
        }

        /// Keeps `list`, a batch the reader is done with, as the spare (unless one is kept
        /// or it is a burst's).
        mutating func keepSpare(_ list: inout [NetEvent]) {
            guard spare.capacity == 0, list.capacity <= EventQueue.largestKeptBatch else { return }
            spare.takeBack(&list)
        }

        /// Whether a push that left events pending must raise `signal`: only for a thread
        /// asleep in `wait(upTo:)`. Noted, so that `poll()` lowers it.
        mutating func mustRaiseSignal() -> Bool {
            guard waiters > 0, hasPending else { return false }
            signalRaised = true
            return true
        }

        /// Appends `events` one by one while the queue has room, counting the rest dropped:
        /// a push's path when events already wait (or the batch alone is over the cap).
        mutating func appendWithinCapacity(_ events: [NetEvent], capacity: Int) {
            for index in events.indices {
                if pending.count < capacity {
                    pending.append(events[index])
                } else {
                    dropped += 1
                }
            }
        }

        /// The end of a push: the waiting reader and the batch it is to be resumed with, or,
        /// with no reader, whether `signal` must be raised (``mustRaiseSignal()``).
        mutating func settlePush() -> PushOutcome {
            guard let reader else { return PushOutcome(raise: mustRaiseSignal(), handOff: nil) }
            self.reader = nil
            return PushOutcome(raise: false, handOff: (reader.continuation, takePendingForReader()))
        }
    }

    /// What a push leaves to do once the state's lock is released (``carryOut(_:)``).
    private struct PushOutcome {
        var raise: Bool
        var handOff: (reader: ReaderContinuation, batch: [NetEvent])?
    }

    typealias ReaderContinuation = UnsafeContinuation<[NetEvent], Never>

    private let state = Mutex(State())
    /// What `wait(upTo:)` sleeps on: true only while events wait for `poll()`, kept current
    /// only while a thread waits (a raise is noted in `signalRaised`, and the next `poll()`
    /// lowers it). Taken before `state` wherever
    /// both are. A push used to take it every time, and a condition variable's broadcast
    /// with it, about 220 instructions a push for a game that never waits (callgrind).
    private let signal = ConditionLock(value: false)
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Events dropped because nobody was reading.
    var droppedCount: Int { state.withLock { $0.dropped } }

    /// Adds events, and hands them to the sequence's reader if one waits. `mayEndSession`
    /// false (no event in the batch changes membership) skips looking for the host's leaving.
    func push(_ events: [NetEvent], mayEndSession: Bool = true) {
        guard !events.isEmpty else { return }
        let outcome = state.withLock { state in
            if state.pending.isEmpty, events.count <= capacity {
                // The usual case: the reader took everything before. Share the batch's storage
                // instead of copying each event into the queue's.
                state.pending = events
            } else {
                state.appendWithinCapacity(events, capacity: capacity)
            }
            for index in events.indices where mayEndSession {
                if case .disconnected(.host, _) = events[index] { state.finished = true }
            }
            return state.settlePush()
        }
        carryOut(outcome)
    }

    /// Moves a batch of messages in (no event that ends the session), trading lists with the
    /// queue: `events` is left empty with the room of a list the queue was done with. For a
    /// session's core, under its lock, so a message costs no list of its own on the way to
    /// the game. A waiting reader of the sequence is resumed after the queue's own locks: a
    /// resumption only schedules the reading task, which never runs on this thread before the
    /// caller's lock is released, so the core's lock is no obstacle.
    func pushMessages(_ events: inout [NetEvent]) {
        guard !events.isEmpty else { return }
        let outcome = state.withLock { state in
            if state.pending.isEmpty, events.count <= capacity {
                swap(&state.pending, &events)
            } else {
                state.appendWithinCapacity(events, capacity: capacity)
                events.empty()
            }
            return state.settlePush()
        }
        carryOut(outcome)
    }

    /// A push's work after the state's lock: the signal raised for a waiting thread, or the
    /// sequence's reader resumed, outside the locks so it never runs while we hold them.
    private func carryOut(_ outcome: PushOutcome) {
        if outcome.raise { updateSignal() }
        if let (reader, batch) = outcome.handOff { reader.resume(returning: batch) }
    }

    /// Whether events wait for `poll()`.
    var hasPending: Bool { state.withLock { $0.hasPending } }

    /// Threads asleep in `wait(upTo:)` (for tests).
    var waitingThreads: Int { state.withLock { $0.waiters } }

    /// Whether a reader of the sequence waits for a batch (for tests).
    var hasWaitingReader: Bool { state.withLock { $0.reader != nil } }

    /// Sets `signal` to whether events wait for `poll()`, waking a waiter if they do. The
    /// value is read under both locks, so a raise and a `poll()` that cross leave it right;
    /// and whenever it is set, `signalRaised` is too, so the next `poll()` lowers it. (A
    /// review found the gap without that: a `poll()` whose own update ran after a push that
    /// found no waiter raised the signal unnoted, and no later `poll()` lowered it; from then
    /// on every `wait(upTo:)` returned at once and `poll(waitingUpTo:)` loops spun.)
    func updateSignal() {
        signal.lock()
        let pending = state.withLock { state in
            if state.hasPending { state.signalRaised = true }
            return state.hasPending
        }
        signal.unlock(withValue: pending)
    }

    /// Waits until events wait for `poll()`, at most `timeout`; returns whether they do.
    ///
    /// The waiter is counted under the state's lock, where it also looks for events: a push
    /// either comes before (and the waiter sees its events) or sees the waiter (and raises
    /// `signal`).
    func wait(upTo timeout: Duration) -> Bool {
        let ready = state.withLock { state -> Bool in
            if state.hasPending { return true }
            state.waiters += 1
            return false
        }
        if ready { return true }
        let seconds = Double(max(timeout.nanosecondsClamped, 0)) / 1e9
        let woken = signal.lock(whenValue: true, timeoutSeconds: seconds)
        if woken { signal.unlock() }
        state.withLock { $0.waiters -= 1 }
        return woken
    }

    /// Takes every waiting event, oldest first (none once the sequence has been made).
    func poll() -> [NetEvent] {
        let (events, lower) = state.withLock { state -> ([NetEvent], Bool) in
            let lower = state.signalRaised
            state.signalRaised = false
            guard !state.streaming, !state.pending.isEmpty else { return ([], lower) }
            // The last batch's storage, emptied in place if the game let go of it (if it kept
            // it, emptying makes a new list: never a change under the game's feet).
            var batch = state.polled.lend()
            batch.empty()
            swap(&batch, &state.pending)
            if batch.capacity <= Self.largestKeptBatch { state.polled = batch }
            return (batch, lower)
        }
        if lower { updateSignal() }
        return events
    }

    /// The longest list of events `poll()` keeps for its storage: a burst's list is freed.
    static let largestKeptBatch = 1024

    /// Whether the game answers events as they come (see `NetSession.requestSendFlush()`):
    /// async code reads the events sequence, or the game's latest poll was asked to wait
    /// (`poll(waitingUpTo:)`) and returned events: a server's, a tool's or a turn-based
    /// game's loop, which has nothing to do until a message comes and then answers it. A
    /// frame loop polls without waiting and sends a frame's messages together; one that paces
    /// its frames by waiting out the frame in `poll(waitingUpTo:)` comes back from its last
    /// poll empty-handed, and sends its frame together too. Read without the lock; a hint,
    /// which only chooses the thread a flush runs on.
    var answersAsTheyCome: Bool {
        streamed.load(ordering: .relaxed) || pollAnswersEvents.load(ordering: .relaxed)
    }
    private let streamed = Atomic<Bool>(false)
    private let pollAnswersEvents = Atomic<Bool>(false)

    /// Notes whether the game's latest poll waited for events and got some (see
    /// ``answersAsTheyCome``); written only when it changes, so a loop's polls do not keep
    /// taking the flag's cache line from the threads that send.
    func notePoll(answeringEvents: Bool) {
        guard pollAnswersEvents.load(ordering: .relaxed) != answeringEvents else { return }
        pollAnswersEvents.store(answeringEvents, ordering: .relaxed)
    }

    /// Makes the events sequence; from now on events are its only.
    func stream() -> NetEvents {
        state.withLock { $0.streaming = true }
        streamed.store(true, ordering: .relaxed)
        updateSignal()
        return NetEvents(queue: self)
    }

    /// The next batch for the sequence: every waiting event, or when none waits the next ones
    /// pushed; empty once the session has ended and all were taken, or when the reading task
    /// is cancelled. One reader at a time: a second one ends the first's wait with nothing.
    /// Runs on the reader's isolation (`actor`), so waiting hops to no other executor.
    /// `spent` is the reader's last batch, done with: its room takes later events.
    @usableFromInline
    func nextBatch(isolation actor: isolated (any Actor)?, returning spent: consuming [NetEvent]) async -> [NetEvent] {
        let wait = state.withLock { state in
            state.keepSpare(&spent)
            state.waits &+= 1
            return state.waits
        }
        return await withTaskCancellationHandler(
            operation: {
                await withUnsafeContinuation(isolation: actor) { (continuation: ReaderContinuation) in
                    let (ready, displaced) = state.withLock {
                        state -> ([NetEvent]?, ReaderContinuation?) in
                        if !state.pending.isEmpty { return (state.takePendingForReader(), nil) }
                        if state.finished || Task.isCancelled { return ([], nil) }
                        defer { state.reader = (continuation, wait) }
                        return (nil, state.reader?.continuation)
                    }
                    displaced?.resume(returning: [])
                    if let ready { continuation.resume(returning: ready) }
                }
            },
            onCancel: {
                let reader = state.withLock { state -> ReaderContinuation? in
                    guard let reader = state.reader, reader.wait == wait else { return nil }
                    state.reader = nil
                    return reader.continuation
                }
                reader?.resume(returning: [])
            }, isolation: actor)
    }
}

/// The events of a ``NetHost`` or ``NetClient`` as an asynchronous sequence, for async code
/// (see ``NetHost/events``). It ends after `.disconnected(.host, _)`, the last event of a
/// session, or when the task reading it is cancelled. Each wake-up of the reader takes every
/// event waiting, so a burst of messages costs one resumption, not one per message.
public struct NetEvents: AsyncSequence, Sendable {
    public typealias Element = NetEvent
    public typealias Failure = Never

    let queue: EventQueue

    public func makeAsyncIterator() -> Iterator { Iterator(queue: queue) }

    /// Reads a ``NetEvents`` sequence; one per reading task.
    ///
    /// `next` is inlined into the reading loop and runs on the reader's isolation: an event
    /// already taken is returned with no call into the concurrency runtime. As a plain
    /// `async` function it was an executor switch per event, about 260 of a streamed
    /// message's 5,000 instructions under callgrind (docs/ARCHITECTURE.md).
    public struct Iterator: AsyncIteratorProtocol {
        @usableFromInline let queue: EventQueue
        /// The rest of the current batch, newest first: each event is moved out of its end,
        /// where reading `batch[index]` copied it (and the batch later destroyed every one).
        @usableFromInline var remaining: [NetEvent] = []

        init(queue: EventQueue) { self.queue = queue }

        /// The next event, or nil once the session has ended (or the task was cancelled).
        /// `for await` calls this one, on the loop's own isolation.
        @inlinable
        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async -> NetEvent? {
            if remaining.isEmpty {
                var spent: [NetEvent] = []
                swap(&spent, &remaining)
                remaining = await queue.nextBatch(isolation: actor, returning: consume spent)
                guard !remaining.isEmpty else { return nil }
                remaining.reverse()
            }
            return remaining.popLast()
        }

        /// The next event, or nil once the session has ended (or the task was cancelled).
        @inlinable
        public mutating func next() async -> NetEvent? {
            await next(isolation: nil)
        }
    }
}
