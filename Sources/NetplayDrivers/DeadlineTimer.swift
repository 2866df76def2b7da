import NIOCore
import NetplayBase
import Synchronization

/// One re-armable timer on an event loop: runs its body at the earliest deadline it was given,
/// then waits to be given the next. A sans-I/O core says when it next needs time (quinn's
/// `poll_timeout`); the driver sleeps until then instead of waking on a fixed period.
///
/// When it fires follows ``TickSchedule``: at least `minimumSpacing` after the previous firing
/// ended, at most `maximumSleep` apart. Counted from the start of a firing instead, that
/// stalled a 200,000-message stream on loopback in 3 runs of 4: the client's loop, retrying a
/// backlog slower than the spacing each tick, never read the host's acknowledgements again.
///
/// Armed through SwiftNIO's scheduled callbacks: a session re-arms it a few times a round trip
/// (each packet sent moves its retransmission deadline), and `scheduleTask` made a promise, a
/// future and a closure each time. Each arming has a generation, and a firing of any other is
/// ignored: SwiftNIO takes a batch of due tasks off its queue before running them, so a task in
/// that batch that re-arms earlier cannot cancel a callback already taken, which would then
/// fire, forget the new arming and leave two chains of firings running for good.
package final class DeadlineTimer: Sendable {
    private struct State {
        var armed: (at: NetInstant, callback: NIOScheduledCallback, generation: UInt64)?
        var generation: UInt64 = 0
        var schedule: TickSchedule
        var stopped = false
    }

    /// What SwiftNIO calls back: the timer and the arming it belongs to (two words, stored in
    /// the loop's scheduled task without an allocation). It keeps the protocol's default
    /// `didCancelScheduledCallback`, which does nothing: SwiftNIO calls that synchronously from
    /// `cancel()`, which the timer calls while it holds its state's lock, so one that touched
    /// the timer would deadlock or trap.
    private struct Firing: NIOScheduledCallbackHandler, Sendable {
        let timer: DeadlineTimer
        let generation: UInt64

        func handleScheduledCallback(eventLoop: some EventLoop) {
            timer.fire(generation: generation)
        }
    }

    private let eventLoop: any EventLoop
    private let clock: MonotonicClock
    private let body: @Sendable (NetInstant) -> Void
    private let state: Mutex<State>

    /// A timer on `eventLoop` that calls `body` with the time of each firing; unarmed until ``arm(at:)``.
    package init(
        on eventLoop: any EventLoop, clock: MonotonicClock, minimumSpacing: Duration, maximumSleep: Duration,
        _ body: @escaping @Sendable (NetInstant) -> Void
    ) {
        self.eventLoop = eventLoop
        self.clock = clock
        self.body = body
        let schedule = TickSchedule(minimumSpacing: minimumSpacing, maximumSleep: maximumSleep)
        state = Mutex(State(schedule: schedule))
    }

    /// Makes the timer fire by `deadline` (nil: no work due, only the `maximumSleep` wake-up).
    /// An earlier deadline already armed stays: it fires, and its body re-arms. On the loop.
    ///
    /// The state is reached once per call, under a lock only the loop takes (uncontended: a
    /// compare-and-swap each way). SwiftNIO's `NIOLoopBoundBox`, used before, checked the
    /// loop's thread and began a dynamically checked exclusive access at each use: some 100
    /// instructions an arming, and a session arms it several times a round trip.
    package func arm(at deadline: NetInstant?) {
        // On the loop only, asserted in debug builds (the box checked it at every use, in
        // release builds too). Off the loop, a test loop's `scheduleCallback` would wait for
        // the loop while holding the lock, and the loop could be waiting for it in `fire`.
        eventLoop.assertInEventLoop()
        let now = clock.now
        state.withLock { state in
            guard let target = state.schedule.request(deadline, now: now) else { return }
            schedule(&state, at: target, now: now)
        }
    }

    /// Cancels the timer for good. On the loop.
    package func stop() {
        eventLoop.assertInEventLoop()
        state.withLock { state in
            state.stopped = true
            state.armed?.callback.cancel()
            state.armed = nil
        }
    }

    private func schedule(_ state: inout State, at target: NetInstant, now: NetInstant) {
        // The armed instant alone is read: `if let armed = state.armed` copied the whole
        // arming (the callback's loop and handler retained, then released), some 150
        // instructions at every arming, and most armings end at the comparison.
        if let armedAt = state.armed?.at {
            guard target < armedAt else { return }
            state.armed?.callback.cancel()
            state.armed = nil
        }
        guard !state.stopped else { return }
        state.generation &+= 1
        let firing = Firing(timer: self, generation: state.generation)
        let delay = TimeAmount.nanoseconds(max(target - now, .zero).nanosecondsClamped)
        do {
            state.armed = (target, try eventLoop.scheduleCallback(in: delay, handler: firing), firing.generation)
        } catch {
            // SwiftNIO's own loops do not throw here (a loop that has shut down logs and drops
            // the callback): an event loop that did would leave the session without ticks.
            assertionFailure("the event loop refused the session's timer: \(error)")
        }
    }

    private func fire(generation: UInt64) {
        let current = state.withLock { state in
            guard !state.stopped, state.armed?.generation == generation else { return false }
            state.armed = nil
            state.schedule.beginFiring()
            return true
        }
        guard current else { return }
        // Outside the state's access: the body re-arms the timer.
        body(clock.now)
        let ended = clock.now
        state.withLock { state in
            let target = state.schedule.endFiring(at: ended)
            schedule(&state, at: target, now: ended)
        }
    }
}
