import NetplayReplication
import NetplayWire

/// Where the game as a whole stands.
@NetMessage
public enum GamePhase: Hashable {
    /// Nobody has joined; nothing moves.
    case waitingForPlayers
    /// Waves come and players fight.
    case playing
    /// Every player is out since tick `since`; a shot after ``SkirmishRules/gameOverHoldTicks``
    /// restarts the game.
    case gameOver(since: Tick)
}
