import NetplayBase

/// When, in host ticks, the client should draw: a little in the past, so that there is
/// usually a snapshot on either side of the moment drawn (a jitter buffer).
///
/// Every arrival records its lateness: arrival time minus the snapshot's tick, in ticks. The
/// drawing lag is the 95th percentile of recent lateness plus one tick, so jittery or lost
/// snapshots still arrive before they are needed, and it follows the network as it changes:
/// it slews toward its target at a bounded rate instead of jumping.
package struct InterpolationTimeline: Sendable {
    /// The host's tick rate.
    package let tickRate: TickRate
    /// Current drawing lag behind the client's clock, in ticks (includes the one-way delay
    /// and clock offset, which only matter through their spread).
    package private(set) var lagTicks: Double?

    private var lateness: [Double] = []
    private var lastArrival: NetInstant = .zero

    /// Lateness samples kept: about 2 s at 30 Hz.
    static let windowSize = 64
    /// Which lateness to cover: all but the worst 5 % arrive in time.
    static let coveredQuantile = 0.95
    /// Extra lag that bridges one lost snapshot at 5 % loss.
    static let lossAllowanceTicks = 1.0
    /// Fastest change of the lag: 10 % of elapsed time, so drawing time never runs backwards
    /// and speeds or slows by at most a tenth.
    static let maxSlewRate = 0.1

    /// Creates a timeline with no samples.
    package init(tickRate: TickRate) { self.tickRate = tickRate }

    /// Records that the snapshot for `tick` arrived at `arrival`.
    package mutating func record(tick: Tick, arrival: NetInstant) {
        lateness.append(tickRate.ticks(at: arrival) - Double(tick.value))
        if lateness.count > Self.windowSize { lateness.removeFirst(lateness.count - Self.windowSize) }
        let sorted = lateness.sorted()
        let index = min(Int(Double(sorted.count - 1) * Self.coveredQuantile), sorted.count - 1)
        let target = sorted[index] + Self.lossAllowanceTicks
        if let current = lagTicks {
            let allowed = max(tickRate.ticks(at: arrival) - tickRate.ticks(at: lastArrival), 0) * Self.maxSlewRate
            lagTicks = current + min(max(target - current, -allowed), allowed)
        } else {
            lagTicks = target
        }
        lastArrival = max(lastArrival, arrival)
    }

    /// The host tick (fractional) to draw at `now`, or `nil` before the first snapshot.
    package func renderTick(at now: NetInstant) -> Double? {
        lagTicks.map { tickRate.ticks(at: now) - $0 }
    }
}
