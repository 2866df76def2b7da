import NIOCore
import NetplayBase

/// One re-armable timer on an event loop: runs its body at the earliest deadline it was given,
/// then waits to be given the next. A sans-I/O core says when it next needs time (quinn's
/// `poll_timeout`); the driver sleeps until then instead of waking on a fixed period.
///
/// When it fires follows ``TickSchedule``: at least `minimumSpacing` after the previous firing
/// ended, at most `maximumSleep` apart. Counted from the start of a firing instead, that
/// stalled a 200,000-message stream on loopback in 3 runs of 4: the client's loop, retrying a
/// backlog slower than the spacing each tick, never read the host's acknowledgements again.
///
/// Armed through SwiftNIO's scheduled callbacks, with the timer itself as the handler: a
/// session re-arms it a few times a round trip (each packet sent moves its retransmission
/// deadline), and `scheduleTask` made a promise, a future and a closure each time.
package final class DeadlineTimer: Sendable {
    private struct State {
        var armed: (at: NetInstant, callback: NIOScheduledCallback)?
        var schedule: TickSchedule
        var stopped = false
    }

    private let eventLoop: any EventLoop
    private let clock: MonotonicClock
    private let body: @Sendable (NetInstant) -> Void
    private let state: NIOLoopBoundBox<State>

    /// A timer on `eventLoop` that calls `body` with the time of each firing; unarmed until ``arm(at:)``.
    package init(
        on eventLoop: any EventLoop, clock: MonotonicClock, minimumSpacing: Duration, maximumSleep: Duration,
        _ body: @escaping @Sendable (NetInstant) -> Void
    ) {
        self.eventLoop = eventLoop
        self.clock = clock
        self.body = body
        let schedule = TickSchedule(minimumSpacing: minimumSpacing, maximumSleep: maximumSleep)
        state = NIOLoopBoundBox.makeBoxSendingValue(State(schedule: schedule), eventLoop: eventLoop)
    }

    /// Makes the timer fire by `deadline` (nil: no work due, only the `maximumSleep` wake-up).
    /// An earlier deadline already armed stays: it fires, and its body re-arms. On the loop.
    package func arm(at deadline: NetInstant?) {
        let now = clock.now
        guard let target = state.value.schedule.request(deadline, now: now) else { return }
        schedule(at: target, now: now)
    }

    /// Cancels the timer for good. On the loop.
    package func stop() {
        state.value.stopped = true
        state.value.armed?.callback.cancel()
        state.value.armed = nil
    }

    private func schedule(at target: NetInstant, now: NetInstant) {
        if let armed = state.value.armed {
            guard target < armed.at else { return }
            armed.callback.cancel()
            state.value.armed = nil
        }
        guard !state.value.stopped else { return }
        let delay = TimeAmount.nanoseconds(max(target - now, .zero).nanosecondsClamped)
        // Refused only by a loop that is shutting down, which closes the driver first.
        guard let callback = try? eventLoop.scheduleCallback(in: delay, handler: self) else { return }
        state.value.armed = (target, callback)
    }

    private func fire() {
        state.value.armed = nil
        state.value.schedule.beginFiring()
        body(clock.now)
        let ended = clock.now
        schedule(at: state.value.schedule.endFiring(at: ended), now: ended)
    }
}

extension DeadlineTimer: NIOScheduledCallbackHandler {
    /// The armed deadline came: runs the body (on the loop).
    package func handleScheduledCallback(eventLoop: some EventLoop) {
        fire()
    }
}
