import Foundation
import Netplay
import SkirmishCore

/// How one input moves a player for one tick: the movement part of `World.step(inputs:)`,
/// which a client runs to predict its own player (`Predictor`).
///
/// It must give the host's numbers bit for bit, or every tick would be a small correction:
/// the same operations in the same order, then the same rounding to the wire grid. The
/// prediction test in `SkirmishTests` fails if the two ever drift apart.
enum PlayerMotion {
    /// Moving diagonally covers the same distance per tick as moving straight (1/√2, as the
    /// simulation uses).
    static let diagonalScale: Float = 0.707_106_77

    static func step(_ unit: ReplicatedUnit, _ input: PlayerInput, playing: Bool) -> ReplicatedUnit {
        guard playing, unit.lives > 0 else { return unit }
        var next = unit
        let stepX = Float(input.moveX.signum()), stepY = Float(input.moveY.signum())
        let scale = stepX != 0 && stepY != 0 ? diagonalScale : 1
        let radius = SkirmishRules.playerRadius
        let x = min(max(unit.x + stepX * SkirmishRules.playerSpeed * scale, radius), SkirmishRules.arenaWidth - radius)
        let y = min(max(unit.y + stepY * SkirmishRules.playerSpeed * scale, radius), SkirmishRules.arenaHeight - radius)
        next.x = ArenaX.format.value(at: ArenaX.format.quantize(x))
        next.y = ArenaY.format.value(at: ArenaY.format.quantize(y))
        // Facing is drawn only (never fed back into the simulation), so libm is fine here.
        if let aim = input.aim {
            next.facing = aim
        } else if stepX != 0 || stepY != 0 {
            next.facing = atan2(stepY, stepX)
        }
        return next
    }
}
