import NIOCore
import NetplayBase

/// One re-armable timer on an event loop: runs its body at the earliest deadline it was given,
/// then waits to be given the next. A sans-I/O core says when it next needs time (quinn's
/// `poll_timeout`); the driver sleeps until then instead of waking on a fixed period.
///
/// Two bounds keep it honest: a firing starts at least `minimumSpacing` after the previous one
/// *ended*, and it never sleeps longer than `maximumSleep` (so a stalled process is still
/// noticed by the core's pause detection, and periodic housekeeping such as drop logs still
/// runs). Counting the spacing from the end matters: SwiftNIO runs every task already due
/// before it polls the sockets again, so a body that takes longer than the spacing and re-arms
/// for "now" (a session retrying a large backlog every tick) would starve the socket for good.
/// Counted from the start, that is what stalled a 200,000-message stream on loopback in 3
/// runs of 4: the client's loop never read the host's acknowledgements again.
package final class DeadlineTimer: Sendable {
    private struct State {
        var armed: (at: NetInstant, task: Scheduled<Void>)?
        /// While the body runs: the earliest instant it asked for, scheduled once it returns.
        var requestedWhileFiring: NetInstant?
        var isFiring = false
        var lastEnded: NetInstant?
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
        let wanted = min(deadline ?? now + maximumSleep, now + maximumSleep)
        guard !state.value.isFiring else {
            state.value.requestedWhileFiring = min(state.value.requestedWhileFiring ?? wanted, wanted)
            return
        }
        schedule(at: wanted, now: now)
    }

    /// Cancels the timer for good. On the loop.
    package func stop() {
        state.value.stopped = true
        state.value.armed?.task.cancel()
        state.value.armed = nil
    }

    private func schedule(at wanted: NetInstant, now: NetInstant) {
        var target = wanted
        if let ended = state.value.lastEnded { target = max(target, ended + minimumSpacing) }
        if let armed = state.value.armed {
            guard target < armed.at else { return }
            armed.task.cancel()
        }
        guard !state.value.stopped else { return }
        let delay = TimeAmount.nanoseconds(max(target - now, .zero).nanosecondsClamped)
        let task = eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in fire() }
        state.value.armed = (target, task)
    }

    private func fire() {
        state.value.armed = nil
        state.value.isFiring = true
        body(clock.now)
        let ended = clock.now
        state.value.isFiring = false
        state.value.lastEnded = ended
        // A body that asked for nothing still gets the `maximumSleep` wake-up.
        let wanted = state.value.requestedWhileFiring ?? ended + maximumSleep
        state.value.requestedWhileFiring = nil
        schedule(at: wanted, now: ended)
    }
}
