import NetplayWire

/// Something that happened during a tick, for sound, effects, messages and the network.
@NetMessage
public enum GameEvent: Hashable {
    /// A player whose input this world simulated fired; the peer that owns the shooter sends
    /// it to the others, who ``World/apply(bulletFired:)`` it.
    case bulletFired(BulletFired)
    /// A bullet killed a creep and its shooter scored.
    case creepKilled(creep: UInt32, by: PlayerID)
    /// A creep reached a player; `livesLeft` 0 means the player is out.
    case playerHit(PlayerID, livesLeft: Int)
    /// A wave began (1-based) and will bring `creeps` creeps.
    case waveStarted(wave: Int, creeps: Int)
    /// Every player is out; the game holds until a player shoots to restart.
    case gameOver(wave: Int)
    /// The game started again from wave 1 with full lives and no score.
    case restarted
}
