import Foundation
import Netplay
import SkirmishCore

/// How one input moves a replicated player for one tick — `PlayerMovement` (the rule
/// `World.step(inputs:)` uses) plus the world's rounding — which a client runs to predict its
/// own player (the `step` of its `NetWorld`).
///
/// It must give the host's numbers bit for bit, or every tick would be a small correction:
/// the same operations in the same order, then the same rounding to the wire grid. The
/// prediction test in `SkirmishTests` fails if the two ever drift apart.
enum PlayerMotion {
    static func step(_ unit: ReplicatedUnit, _ input: PlayerInput, playing: Bool) -> ReplicatedUnit {
        guard playing, unit.lives > 0 else { return unit }
        var next = unit
        let stepX = Float(input.moveX.signum())
        let stepY = Float(input.moveY.signum())
        let (x, y) = PlayerMovement.position(x: unit.x, y: unit.y, input: input)
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
