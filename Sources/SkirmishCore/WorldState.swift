import Netplay
import NetplayReplication
import NetplayWire

/// Everything a world is, as one message: what a host sends a client that joins mid-game or
/// has drifted, so the client continues from exactly the host's state.
///
/// The world keeps its positions on the wire's grid (see ``World/step(inputs:)``), so this
/// snapshot is lossless: a world that ``World/adopt(_:)``s it has the host's
/// ``World/stateHash``, and stepping both with the same inputs keeps them equal. A snapshot
/// is a few hundred bytes; per-tick replication should send deltas of ``Player`` and
/// ``Creep`` instead.
@NetMessage
public struct WorldState: Hashable {
    /// The tick the state belongs to.
    public var tick: Tick
    /// Waiting, playing or over.
    public var phase: GamePhase
    /// The current wave (0 before the first).
    public var wave: Int
    /// The players, each with their seat.
    public var players: [Player]
    /// The creeps alive, by id.
    public var creeps: [Creep]
    /// The bullets in flight or stamped for a later tick.
    public var bullets: [BulletFired]
    /// Bullets seen within their lifetime (including spent ones), so duplicates stay ignored.
    public var recentBullets: [BulletID]
    /// The wave cycle: creeps still to appear, ticks to the next group, ticks to the next wave.
    public var creepsToSpawn: Int
    /// Ticks until the next group of creeps appears.
    public var spawnCountdown: Int
    /// Ticks until the next wave; 0 while a wave is under way.
    public var waveCountdown: Int
    /// The id the next creep will get.
    public var nextCreepID: UInt32
    /// The random generator's state, so creeps appear where the host's do.
    public var randomState: UInt64
}

/// Why ``World/adopt(_:)`` refused a ``WorldState``: it did not come from a world playing by
/// these rules (a bug, a version mismatch, or a peer that cheats). The world is left unchanged.
public enum WorldStateError: Error, Hashable, Sendable {
    /// More players than seats, a seat out of range or taken twice, or one id in two seats.
    case invalidSeating
    /// More creeps than a wave brings, or two with one id.
    case invalidCreeps
    /// Lives, a timer or a wave counter outside what the rules allow.
    case valueOutOfRange
    /// A bullet faster than the rules allow.
    case invalidBullet
}
