import Dispatch
import Synchronization
import Testing

@testable import Netplay
@testable import NetplayBase

extension APITests {
    /// How the event queue wakes those who wait for it: `poll(waitingUpTo:)` on a network
    /// thread's session (the queue's condition, touched by a push only while someone waits),
    /// and the `events` sequence read from an actor (`next(isolation:)`).
    @Suite("Event queue waiting", .timeLimit(.minutes(1)))
    struct EventQueueWaiting {
        static let peer = NetPeer(PeerID(rawValue: 1))

        static func push(_ texts: [String], to queue: EventQueue) {
            var events: [NetEvent] = texts.map { .message(Chat(text: $0), from: peer) }
            queue.pushMessages(&events)
        }

        @Test("a wait returns at once when events were pushed before it, with no one waiting then")
        func eventsPushedBeforeTheWaitAreSeen() {
            let queue = EventQueue(capacity: 64)
            Self.push(["a"], to: queue)
            // The push found nobody waiting and left the condition alone: the waiter must see
            // the events by itself (else it sleeps the whole 10 s and returns false).
            #expect(queue.wait(upTo: .seconds(10)))
            #expect(BufferReuse.texts(queue.poll()) == ["a"])
        }

        @Test("a thread asleep in a wait is woken by a push, whichever comes first")
        func aWaitingThreadIsWokenByAPush() {
            let queue = EventQueue(capacity: 64)
            let woken = Mutex<Bool?>(nil)
            let waiter = DispatchGroup()
            DispatchQueue.global().async(group: waiter) {
                let result = queue.wait(upTo: .seconds(10))
                woken.withLock { $0 = result }
            }
            // Whether this lands before or after the waiter counts itself, it is seen: false
            // only if the wait ran out its 10 s.
            Self.push(["b"], to: queue)
            #expect(waiter.wait(timeout: .now() + 30) == .success)
            #expect(woken.withLock { $0 } == true)
            #expect(BufferReuse.texts(queue.poll()) == ["b"])
        }

        @Test("after a poll takes the events, a raised signal is lowered: the next wait sleeps")
        func aPollLowersTheSignal() {
            let queue = EventQueue(capacity: 64)
            // Raise the condition for certain: push only once a waiter is counted.
            let waiter = DispatchGroup()
            let woken = Mutex<Bool?>(nil)
            DispatchQueue.global().async(group: waiter) {
                let result = queue.wait(upTo: .seconds(10))
                woken.withLock { $0 = result }
            }
            let pause = DispatchSemaphore(value: 0)
            for _ in 0..<10_000 where queue.waitingThreads == 0 { _ = pause.wait(timeout: .now() + .milliseconds(1)) }
            #expect(queue.waitingThreads == 1)
            Self.push(["c"], to: queue)
            #expect(waiter.wait(timeout: .now() + 30) == .success)
            #expect(woken.withLock { $0 } == true)
            #expect(BufferReuse.texts(queue.poll()) == ["c"])
            // Nothing waits now: a condition left raised would end this wait at once, true.
            #expect(!queue.wait(upTo: .milliseconds(20)))
            #expect(queue.waitingThreads == 0)
        }

        @Test("a signal raised after a poll took the events is still lowered by the next poll")
        func aSignalRaisedLateIsLoweredByTheNextPoll() {
            let queue = EventQueue(capacity: 64)
            // Pushed with nobody waiting: no raise.
            Self.push(["e"], to: queue)
            // The race a review found, by hand: a `poll()` whose own update of the signal runs
            // after a push that found no waiter.
            queue.updateSignal()
            #expect(BufferReuse.texts(queue.poll()) == ["e"])
            // Left raised, it would end this wait at once (true), and every wait after it.
            #expect(!queue.wait(upTo: .milliseconds(20)))
        }

        @Test("cancelling a reader that a second one displaced leaves the second one waiting")
        func cancellingADisplacedReaderLeavesTheNewOneAlone() async throws {
            let queue = EventQueue(capacity: 64)
            // The first reader's jobs run only when the test says: once displaced, it stays
            // inside its wait (resumed, not yet run) while the test cancels it.
            let held = HeldExecutor()
            let first = Task(executorPreference: held) {
                var events = queue.stream().makeAsyncIterator()
                return await events.next()
            }
            held.runJobs()
            #expect(queue.hasWaitingReader)
            let second = Task {
                var events = queue.stream().makeAsyncIterator()
                return await events.next()
            }
            // The second reader waits in the first's place (it resumed the first with nothing).
            let pause = DispatchSemaphore(value: 0)
            for _ in 0..<10_000 where held.pendingJobs == 0 { _ = pause.wait(timeout: .now() + .milliseconds(1)) }
            #expect(held.pendingJobs > 0)
            #expect(queue.hasWaitingReader)
            first.cancel()
            // The first reader's cancellation must not end the second one's wait.
            #expect(queue.hasWaitingReader)
            Self.push(["x"], to: queue)
            let seen = await second.value
            #expect(seen.map { BufferReuse.texts([$0]) } == ["x"])
            for _ in 0..<10_000 where held.pendingJobs > 0 {
                held.runJobs()
                _ = pause.wait(timeout: .now() + .milliseconds(1))
            }
            #expect(await first.value == nil)
        }

        @Test("an actor reads the events sequence in order, to the session's end")
        func anActorReadsTheSequence() async {
            let queue = EventQueue(capacity: 64)
            let events = queue.stream()
            let reader = EventReader()
            // Pushed while the reader waits and before it reads: both paths of `next`.
            Self.push(["1", "2"], to: queue)
            let reading = Task { await reader.read(events) }
            Self.push(["3"], to: queue)
            queue.push([.disconnected(.host, .hostShutDown)])
            #expect(await reading.value == ["1", "2", "3", "end"])
        }

        @Test("a plain async reader, with no isolation, reads the same")
        func aNonisolatedReaderReadsTheSequence() async {
            let queue = EventQueue(capacity: 64)
            var iterator = queue.stream().makeAsyncIterator()
            Self.push(["x"], to: queue)
            queue.push([.disconnected(.host, .hostShutDown)])
            var seen: [String] = []
            while let event = await iterator.next() {
                if case .message(let chat as Chat, _) = event { seen.append(chat.text) } else { seen.append("end") }
            }
            #expect(seen == ["x", "end"])
        }
    }
}

/// Reads a sequence on an actor: `for await` there calls `next(isolation:)` with the actor.
private actor EventReader {
    func read(_ events: NetEvents) async -> [String] {
        var seen: [String] = []
        for await event in events {
            switch event {
            case .message(let chat as Chat, _): seen.append(chat.text)
            case .disconnected(.host, _): seen.append("end")
            default: seen.append("?")
            }
        }
        return seen
    }
}
