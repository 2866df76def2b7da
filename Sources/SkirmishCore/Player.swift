import Netplay
import NetplayWire

/// One player's character: where it is, where it faces, and how the game is going for it.
///
/// It is also a message: `@NetMessage` writes its bit coder, with positions and facing
/// quantized for the wire (about 8 bytes with the counters).
@NetMessage
public struct Player: Hashable {
    /// Who controls this character.
    public internal(set) var id: PlayerID
    /// The seat (0..<``SkirmishRules/maxPlayers``) the player occupies; it picks the colour
    /// and the starting spot.
    public internal(set) var slot: Int
    /// Centre x, world units.
    @Quantized<ArenaX> public internal(set) var x: Float
    /// Centre y, world units (grows down the screen).
    @Quantized<ArenaY> public internal(set) var y: Float
    /// The direction the character faces, radians (0 is +x, π/2 is +y).
    @QuantizedAngle public internal(set) var facing: Float
    /// Lives left; at 0 the player is out until the game restarts.
    public internal(set) var lives: Int
    /// Points scored, ``SkirmishRules/scorePerCreep`` a kill.
    public internal(set) var score: Int
    /// Ticks until the player can be hit again (0: vulnerable).
    public internal(set) var invulnerableTicks: Int
    /// Ticks until the player can shoot again (0: ready).
    public internal(set) var fireCooldownTicks: Int

    /// Whether the player has lost every life.
    public var isOut: Bool { lives <= 0 }

    /// Whether the player is in play: creeps chase it, it moves and shoots.
    public var isAlive: Bool { lives > 0 }

    init(id: PlayerID, slot: Int) {
        self.id = id
        self.slot = slot
        let spawn = Self.spawnPoint(slot: slot)
        x = spawn.x
        y = spawn.y
        facing = 0
        lives = SkirmishRules.startingLives
        score = 0
        invulnerableTicks = SkirmishRules.invulnerabilityTicks
        fireCooldownTicks = 0
    }

    /// Seats start in a square around the centre, 200 units apart: far from the edges where
    /// creeps appear, and not on top of one another.
    static func spawnPoint(slot: Int) -> (x: Float, y: Float) {
        let spacing: Float = 100
        let column: Float = slot.isMultiple(of: 2) ? -1 : 1
        let row: Float = slot < 2 ? -1 : 1
        return (SkirmishRules.arenaWidth / 2 + column * spacing, SkirmishRules.arenaHeight / 2 + row * spacing)
    }
}
