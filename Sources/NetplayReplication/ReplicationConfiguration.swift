import NetplayWire

/// Settings shared by ``ReplicationHost`` and ``ReplicationClient``; both sides must agree
/// on ``tickRate`` (send it to the client when it joins, as `NetWorld` does).
public struct ReplicationConfiguration: Sendable {
    /// How often the host steps and sends snapshots.
    public let tickRate: TickRate
    /// Per-client snapshot bandwidth, in bits per second of payload. When the changes of a
    /// tick do not fit, the most important go first and the rest wait (their priority grows).
    public let bitsPerSecondPerClient: Int
    /// How many past snapshots the host keeps per client as possible baselines (and the
    /// client keeps to decode against). An acknowledgement older than this gets a full
    /// snapshot. 32 ticks at 30 Hz is about a second: far beyond any playable round trip.
    public let baselineHistory: Int
    /// How many of its latest inputs the client repeats in every packet, so that losing a
    /// packet (or a few in a row) loses no input. 6 ticks at 30 Hz cover 200 ms of loss.
    public let inputRedundancy: Int
    /// Caps on untrusted lengths in states and inputs (the wire layer's defaults).
    package var limits: WireLimits = .default

    /// Creates a configuration; out-of-range values are clamped (a history of at least 2
    /// and at most ``maxBaselineHistory`` snapshots, 1 to 15 inputs a packet).
    /// - Parameters:
    ///   - tickRate: How often the host steps and sends snapshots.
    ///   - bitsPerSecondPerClient: Each client's snapshot budget, in bits per second.
    ///   - baselineHistory: Snapshots kept per client as possible delta baselines.
    ///   - inputRedundancy: How many of its latest inputs each client packet repeats.
    public init(
        tickRate: TickRate = .default,
        bitsPerSecondPerClient: Int = ReplicationConfiguration.defaultBitsPerSecond,
        baselineHistory: Int = 32,
        inputRedundancy: Int = 6
    ) {
        self.tickRate = tickRate
        self.bitsPerSecondPerClient = max(bitsPerSecondPerClient, 0)
        self.baselineHistory = min(max(baselineHistory, 2), Self.maxBaselineHistory)
        self.inputRedundancy = min(max(inputRedundancy, 1), InputPacketLimits.maxInputsPerPacket)
    }

    /// 256 kbit/s: a comfortable share of a home uplink for one joined player.
    public static let defaultBitsPerSecond = 256_000
    /// Most snapshot payload per datagram: 1,200 bytes stays under the IPv6 minimum MTU
    /// (1,280) after UDP and protocol headers, so snapshots never fragment.
    public static let maxSnapshotBytes = 1200
    /// Upper bound on ``baselineHistory`` (memory per client is history × entities).
    public static let maxBaselineHistory = 256

    /// The bit budget of one snapshot for one client.
    var snapshotBudgetBits: Int {
        min(bitsPerSecondPerClient / tickRate.hertz, Self.maxSnapshotBytes * 8)
    }
}
