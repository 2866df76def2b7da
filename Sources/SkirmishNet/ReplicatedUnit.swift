import Netplay
import SkirmishCore

/// The replicated state of a player or a creep: one flat struct, so the snapshot delta codec
/// sends only the fields that changed (a creep's unused player fields cost nothing after its
/// spawn, a moving player costs its two coordinates). `@NetMessage` writes the per-field
/// coder the snapshots use.
@NetMessage
struct ReplicatedUnit: Hashable, Interpolatable {
    /// What it is, so a client draws it as such.
    var kind: UnitKind
    @Quantized<ArenaX> var x: Float
    @Quantized<ArenaY> var y: Float
    @QuantizedAngle var facing: Float
    /// A player's `PlayerID` raw value, or a creep's id.
    var id: UInt32
    var slot: UInt8 = 0
    var lives: UInt8 = 0
    var score: UInt32 = 0
    var invulnerableTicks: UInt8 = 0
    var fireCooldownTicks: UInt8 = 0

    init(player: Player) {
        kind = .player
        x = player.x
        y = player.y
        facing = player.facing
        id = player.id.rawValue
        slot = UInt8(clamping: player.slot)
        lives = UInt8(clamping: player.lives)
        score = UInt32(clamping: player.score)
        invulnerableTicks = UInt8(clamping: player.invulnerableTicks)
        fireCooldownTicks = UInt8(clamping: player.fireCooldownTicks)
    }

    init(creep: Creep) {
        kind = .creep
        x = creep.x
        y = creep.y
        facing = 0
        id = creep.id
    }

    /// Positions blend; everything discrete (and the 8-bit facing) takes the newer value.
    func interpolated(to next: ReplicatedUnit, fraction: Double) -> ReplicatedUnit {
        var result = next
        let share = Float(fraction)
        result.x = x + (next.x - x) * share
        result.y = y + (next.y - y) * share
        return result
    }

    func distance(to other: ReplicatedUnit) -> Double {
        let dx = Double(x - other.x)
        let dy = Double(y - other.y)
        return (dx * dx + dy * dy).squareRoot()
    }
}

/// The kinds of unit Skirmish replicates.
enum UnitKind: UInt8, Codable, Sendable, Hashable {
    case player
    case creep
}
