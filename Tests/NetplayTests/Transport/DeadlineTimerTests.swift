import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// The timer that ticks a session at its deadlines, on a real event loop and socket.
    @Suite("DeadlineTimer")
    struct DeadlineTimerTests {
        /// What the timer's body reaches: the timer itself (made after its body), and its count.
        final class Firings: Sendable {
            let timer = NIOLockedValueBox<DeadlineTimer?>(nil)
            let count = NIOLockedValueBox(0)
        }

        @Test("the spacing counts from the end of a firing, and a request made during one waits for its end")
        func spacingCountsFromTheEndOfAFiring() {
            var schedule = TickSchedule(minimumSpacing: .milliseconds(5), maximumSleep: .seconds(1))
            let start = NetInstant.zero + .seconds(10)
            #expect(schedule.request(start, now: start) == start, "nothing fired yet: due when asked")
            #expect(schedule.request(nil, now: start) == start + .seconds(1), "no deadline: the longest sleep")
            schedule.beginFiring()
            // A slow firing (8 ms) that asks for "now" halfway through.
            #expect(schedule.request(start + .milliseconds(4), now: start + .milliseconds(4)) == nil)
            let ended = start + .milliseconds(8)
            #expect(schedule.endFiring(at: ended) == ended + .milliseconds(5), "5 ms after the end, not the start")
            let far = schedule.request(ended + .seconds(5), now: ended)
            #expect(far == ended + .seconds(1), "at most the longest sleep")
            schedule.beginFiring()
            #expect(schedule.endFiring(at: ended + .seconds(1)) == ended + .seconds(2), "a firing that asked nothing")
        }

        @Test("re-armed earlier, the timer fires once, at the earlier deadline; stopped, never again")
        func rearmingEarlierReplacesTheArming() throws {
            // SwiftNIO's embedded loop runs on virtual time: `advanceTime` runs what falls due.
            let loop = EmbeddedEventLoop()
            let clock = MonotonicClock()
            let firings = Firings()
            let timer = DeadlineTimer(on: loop, clock: clock, minimumSpacing: .zero, maximumSleep: .seconds(1)) { _ in
                firings.count.withLockedValue { $0 += 1 }
            }
            let now = clock.now
            timer.arm(at: now + .milliseconds(50))
            timer.arm(at: now + .milliseconds(5))
            timer.arm(at: now + .milliseconds(30))  // later than the armed 5 ms: changes nothing
            loop.advanceTime(by: .milliseconds(4))
            #expect(firings.count.withLockedValue { $0 } == 0, "not before the earliest deadline")
            loop.advanceTime(by: .milliseconds(96))
            #expect(firings.count.withLockedValue { $0 } == 1, "once, at 5 ms: the 50 ms arming was replaced")
            timer.stop()
            loop.advanceTime(by: .seconds(3))
            #expect(firings.count.withLockedValue { $0 } == 1, "the longest-sleep wake-up does not outlive stop()")
            try loop.syncShutdownGracefully()
        }

        @Test("a body slower than the spacing that re-arms for now still lets the loop read its socket")
        func slowBodyDoesNotStarveTheSocket() async throws {
            // SwiftNIO runs every task already due before polling its sockets again. A session
            // retrying a large backlog takes longer than the spacing and asks for "now" again;
            // counted from the start of a firing, that made every firing due at once and the
            // loop never read again (a reliable stream stalled for good on loopback).
            let inbox = DatagramInbox()
            let receiver = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: inbox)
            let sender = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
            let clock = MonotonicClock()
            let firings = Firings()
            let bodyTime = Duration.milliseconds(3)
            let timer = DeadlineTimer(
                on: receiver.eventLoop, clock: clock, minimumSpacing: .milliseconds(1), maximumSleep: .seconds(1)
            ) { started in
                while clock.now - started < bodyTime {}  // a slow tick, on the loop
                firings.count.withLockedValue { $0 += 1 }
                firings.timer.withLockedValue { $0 }?.arm(at: clock.now)
            }
            firings.timer.withLockedValue { $0 = timer }
            try await receiver.eventLoop.submit { timer.arm(at: clock.now) }.get()
            // Into the cycle first: a few firings, each re-arming itself.
            let cycling = ContinuousClock.now + .seconds(2)
            while firings.count.withLockedValue({ $0 }) < 3, ContinuousClock.now < cycling {
                try await Task.sleep(for: .milliseconds(1))
            }
            sender.send([1, 2, 3], to: receiver.localAddress)
            let arrived = await inbox.next(1, within: .seconds(2))
            // And the timer fires on after the read (the read may come between two firings,
            // so wait for the next one rather than expect a count).
            let firedAtRead = firings.count.withLockedValue { $0 }
            let continuing = ContinuousClock.now + .seconds(2)
            while firings.count.withLockedValue({ $0 }) <= firedAtRead, ContinuousClock.now < continuing {
                try await Task.sleep(for: .milliseconds(1))
            }
            try await receiver.eventLoop.submit { timer.stop() }.get()
            let fired = firings.count.withLockedValue { $0 }
            await sender.close()
            await receiver.close()
            #expect(arrived.map(\.bytes) == [[1, 2, 3]], "the datagram was read while the timer kept firing")
            #expect(
                fired > firedAtRead, "the timer kept re-arming itself: \(fired) firings, \(firedAtRead) at the read")
        }
    }
}
