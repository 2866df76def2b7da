import NetplayBase

/// The client's estimate of the host's current tick, from round trips echoed in snapshots.
///
/// Each snapshot echoes the client's clock; the round trip minus the host's hold time gives
/// a sample of "the host was at tick N half a round trip ago". Queueing only ever adds delay,
/// so the sample with the smallest round trip in a recent window is the least distorted (the
/// filter NTP and Valve's clock correction use). The estimate then slews toward it at a
/// bounded rate, so jitter never makes the client's tick jump back and forth.
package struct ClockSync: Sendable {
    /// The host's tick rate.
    package let tickRate: TickRate
    /// The round trip of the sample in use, once there is one.
    package private(set) var roundTrip: Duration?

    private var samples: [Sample] = []
    /// Estimated host tick minus the client's clock, in ticks.
    private var offset: Double?
    private var lastAdjustment: NetInstant = .zero

    /// Round-trip samples the minimum is taken over: 64 snapshots is about 2 s at 30 Hz,
    /// long enough to catch an unqueued packet, short enough to follow a route change.
    static let windowSize = 64
    /// Fastest slew: 5 % of elapsed time, so a correction is invisible in motion.
    static let maxSlewRate = 0.05
    /// Errors larger than this (in ticks) are stepped at once rather than slewed.
    static let stepThresholdTicks = 8.0

    /// Creates an estimator with no samples.
    package init(tickRate: TickRate) { self.tickRate = tickRate }

    /// Adds a sample: the snapshot for `hostTick` arrived at `receivedAt` after `roundTrip`
    /// (already net of the host's hold time).
    mutating func addSample(hostTick: Tick, roundTrip: Duration, receivedAt: NetInstant) {
        let halfTrip = roundTrip.secondsDouble / 2 / tickRate.secondsPerTick
        let sample = Sample(
            offset: Double(hostTick.value) + halfTrip - tickRate.ticks(at: receivedAt), roundTrip: roundTrip)
        samples.append(sample)
        if samples.count > Self.windowSize { samples.removeFirst(samples.count - Self.windowSize) }
        guard let best = samples.min(by: { $0.roundTrip < $1.roundTrip }) else { return }
        self.roundTrip = best.roundTrip
        guard let current = offset, abs(best.offset - current) < Self.stepThresholdTicks else {
            offset = best.offset
            lastAdjustment = receivedAt
            return
        }
        let allowed = max(tickRate.ticks(at: receivedAt) - tickRate.ticks(at: lastAdjustment), 0) * Self.maxSlewRate
        offset = current + min(max(best.offset - current, -allowed), allowed)
        lastAdjustment = receivedAt
    }

    /// The host's tick (fractional) at `now`, or `nil` before the first sample.
    package func hostTick(at now: NetInstant) -> Double? {
        offset.map { tickRate.ticks(at: now) + $0 }
    }

    /// The tick a client should stamp an input made at `now` with, so that it reaches the host
    /// before the host simulates that tick: the host's tick plus half a round trip plus
    /// `safetyTicks` for jitter. `nil` before the first sample.
    package func inputTick(at now: NetInstant, safetyTicks: Double = 1.5) -> Tick? {
        guard let host = hostTick(at: now), let roundTrip else { return nil }
        let lead = roundTrip.secondsDouble / 2 / tickRate.secondsPerTick + safetyTicks
        return Tick(UInt32(clamping: Int64((host + lead).rounded(.up))))
    }

    private struct Sample: Sendable {
        var offset: Double
        var roundTrip: Duration
    }
}
