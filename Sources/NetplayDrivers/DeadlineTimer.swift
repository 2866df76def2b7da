import NIOCore
import NetplayBase

/// One re-armable timer on an event loop: runs its body at the earliest deadline it was given,
/// then waits to be given the next. A sans-I/O core says when it next needs time (quinn's
/// `poll_timeout`); the driver sleeps until then instead of waking on a fixed period.
///
/// Two bounds keep it honest: two firings are at least `minimumSpacing` apart (a deadline
/// already due when the body returns cannot spin the loop, and a timer is at most that late),
/// and it never sleeps longer than `maximumSleep` (so a stalled process is still noticed by
/// the core's pause detection, and periodic housekeeping such as drop logs still runs).
package final class DeadlineTimer: Sendable {
    private struct State {
        var armed: (at: NetInstant, task: Scheduled<Void>)?
        var lastFired: NetInstant?
        var stopped = false
    }

    private let eventLoop: any EventLoop
    private let clock: MonotonicClock
    private let minimumSpacing: Duration
    private let maximumSleep: Duration
    private let body: @Sendable (NetInstant) -> Void
    private let state: NIOLoopBoundBox<State>

    /// A timer on `eventLoop` that calls `body` with the time of each firing; unarmed until ``arm(at:)``.
    package init(
        on eventLoop: any EventLoop, clock: MonotonicClock, minimumSpacing: Duration, maximumSleep: Duration,
        _ body: @escaping @Sendable (NetInstant) -> Void
    ) {
        self.eventLoop = eventLoop
        self.clock = clock
        self.minimumSpacing = minimumSpacing
        self.maximumSleep = maximumSleep
        self.body = body
        state = NIOLoopBoundBox.makeBoxSendingValue(State(), eventLoop: eventLoop)
    }

    /// Makes the timer fire by `deadline` (nil: no work due, only the `maximumSleep` wake-up).
    /// An earlier deadline already armed stays: it fires, and its body re-arms. On the loop.
    package func arm(at deadline: NetInstant?) {
        let now = clock.now
        var target = min(deadline ?? now + maximumSleep, now + maximumSleep)
        if let last = state.value.lastFired { target = max(target, last + minimumSpacing) }
        if let armed = state.value.armed {
            guard target < armed.at else { return }
            armed.task.cancel()
        }
        guard !state.value.stopped else { return }
        let delay = TimeAmount.nanoseconds(max(target - now, .zero).nanosecondsClamped)
        let task = eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in fire() }
        state.value.armed = (target, task)
    }

    /// Cancels the timer for good. On the loop.
    package func stop() {
        state.value.stopped = true
        state.value.armed?.task.cancel()
        state.value.armed = nil
    }

    private func fire() {
        let now = clock.now
        state.value.armed = nil
        state.value.lastFired = now
        body(now)
    }
}
