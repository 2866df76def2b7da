/// What a session measured, for `skirmish --report FILE.json` and for tests: how far the game
/// got, what crossed the network, and how closely this peer's screen matched the host's world.
public struct SessionReport: Codable, Sendable, Hashable {
    /// `"host"`, `"client"`, or `"host (took over)"` for a client that became the host when
    /// its host left (see ``handovers``).
    public var role = ""
    /// This peer's player id (`PlayerID` raw value): 0 for the player who started the game,
    /// a joiner's session peer id otherwise (kept when the player takes over as host).
    public var localPlayer: UInt32 = 0
    /// Seconds the session ran.
    public var seconds = 0.0
    /// Simulation ticks this peer stepped: the world on the host, predicted ticks on a client.
    public var ticksSimulated = 0
    /// The newest host tick this peer knows (equal to `ticksSimulated` on the host).
    public var hostTick = 0
    /// Most players seen at once.
    public var maxPlayers = 0
    /// Most creeps seen at once.
    public var maxCreeps = 0
    /// Most entities (players, creeps, bullets) drawn in one frame.
    public var maxEntities = 0
    /// Bullets fired in the game while this peer watched.
    public var bulletsSeen = 0
    /// Highest wave reached.
    public var maxWave = 0
    /// Mean round-trip time in milliseconds over the samples taken (`nil`: none, e.g. a host alone).
    public var meanRoundTripMilliseconds: Double?
    /// Largest round-trip time sampled, milliseconds.
    public var maxRoundTripMilliseconds: Double?
    /// Mean kilobits per second sent over the frames drawn, headers and resends included.
    public var kilobitsPerSecondSent = 0.0
    /// Mean kilobits per second received over the frames drawn, headers and resends included.
    public var kilobitsPerSecondReceived = 0.0
    /// The highest packet loss the HUD showed (a fraction; the connection's own figure: 0 on a
    /// clean link, where nothing is lost).
    public var maxPacketLossShown = 0.0
    /// Snapshots a client received (host: sent).
    public var snapshots = 0
    /// Snapshot ticks a client never received, as a share of the ticks it should have (0…1).
    public var snapshotLoss = 0.0
    /// Prediction corrections of the local player (reconciliations that moved it).
    public var corrections = 0
    /// The largest of them, world units.
    public var largestCorrection = 0.0
    /// Largest distance between where this client drew another player or a creep and where
    /// the host had it at the same (render) tick, world units.
    public var maxRemotePositionDifference = 0.0
    /// How many drawn positions that was checked against the host's.
    public var remotePositionsChecked = 0
    /// Largest distance between where this client drew its own (predicted) player and where
    /// the host had it at the same tick, world units.
    public var maxOwnPositionDifference = 0.0
    /// How many own positions that was checked against.
    public var ownPositionsChecked = 0
    /// The bound the replication layer states for drawn positions (its 80 ± 20 ms, 5 % loss
    /// soak test), which the figures above should stay within.
    public var positionBound = SessionReport.replicationBound
    /// Whether the session ended by a disconnect (anything but this peer quitting).
    public var disconnected = false
    /// Why the session ended, if it did before the report was taken.
    public var endReason: String?
    /// When the other side went quiet long enough to be reported interrupted (`NetEvent.interrupted`;
    /// on the host, any client), in milliseconds since 1970 on this machine's clock.
    public var interruptedAtMs: [UInt64] = []
    /// When it was heard from again (`NetEvent.resumed`), same clock.
    public var resumedAtMs: [UInt64] = []
    /// On a client, each time the host's snapshots stopped for a while and came back.
    public var snapshotStalls: [Stall] = []
    /// Each time the host left and another player took over (`NetOptions.hostMigration`), as
    /// this player lived it.
    public var handovers: [Handover] = []

    /// A time the game stood still for want of the network.
    public struct Stall: Codable, Sendable, Hashable {
        /// When the last snapshot before it arrived, milliseconds since 1970.
        public var silentFromMs: UInt64
        /// When the first one after it arrived.
        public var resumedAtMs: UInt64
    }

    /// Units: creeps that turn inside a gap left by a lost snapshot are drawn on the chord,
    /// at most a tick's walk off (see `InterpolationSoakTests` in NetplayTests).
    public static let replicationBound = 2.5

    /// Creates an empty report.
    public init() {}
}
