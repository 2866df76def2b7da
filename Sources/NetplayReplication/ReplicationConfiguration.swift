import NetplayWire

/// Settings shared by ``ReplicationHost`` and ``ReplicationClient``; both sides must agree
/// on `tickRate` and `limits`.
package struct ReplicationConfiguration: Sendable {
    /// How often the host steps and sends snapshots.
    package var tickRate: TickRate
    /// Per-client snapshot bandwidth, in bits per second of payload. When the changes of a
    /// tick do not fit, the most important go first and the rest wait (their priority grows).
    var bitsPerSecondPerClient: Int
    /// How many past snapshots the host keeps per client as possible baselines (and the
    /// client keeps to decode against). An acknowledgement older than this gets a full
    /// snapshot. 32 ticks at 30 Hz is about a second: far beyond any playable round trip.
    var baselineHistory: Int
    /// How many of its latest inputs the client repeats in every packet, so that losing a
    /// packet (or a few in a row) loses no input. 6 ticks at 30 Hz cover 200 ms of loss.
    var inputRedundancy: Int
    /// Caps on untrusted lengths in states and inputs.
    package var limits: WireLimits

    /// Creates a configuration.
    package init(
        tickRate: TickRate = .default,
        bitsPerSecondPerClient: Int = ReplicationConfiguration.defaultBitsPerSecond,
        baselineHistory: Int = 32,
        inputRedundancy: Int = 6,
        limits: WireLimits = .default
    ) {
        self.tickRate = tickRate
        self.bitsPerSecondPerClient = max(bitsPerSecondPerClient, 0)
        self.baselineHistory = min(max(baselineHistory, 2), Self.maxBaselineHistory)
        self.inputRedundancy = min(max(inputRedundancy, 1), InputPacketLimits.maxInputsPerPacket)
        self.limits = limits
    }

    /// 256 kbit/s: a comfortable share of a home uplink for one joined player.
    static let defaultBitsPerSecond = 256_000
    /// Most snapshot payload per datagram: 1,200 bytes stays under the IPv6 minimum MTU
    /// (1,280) after UDP and protocol headers, so snapshots never fragment.
    static let maxSnapshotBytes = 1200
    /// Upper bound on ``baselineHistory`` (memory per client is history × entities).
    static let maxBaselineHistory = 256

    /// The bit budget of one snapshot for one client.
    var snapshotBudgetBits: Int {
        min(bitsPerSecondPerClient / tickRate.hertz, Self.maxSnapshotBytes * 8)
    }
}
