/// How one input moves a player for one tick, before rounding to the wire grid: the rule
/// `World.step(inputs:)` applies, public so a client can predict its own player with exactly
/// the host's arithmetic.
public enum PlayerMovement {
    /// Moving diagonally covers the same distance per tick as moving straight.
    static let diagonalScale: Float = 0.707_106_77  // 1/√2

    /// The position after one tick of `input`, clamped to the arena.
    public static func position(x: Float, y: Float, input: PlayerInput) -> (x: Float, y: Float) {
        let stepX = input.stepX
        let stepY = input.stepY
        let scale = stepX != 0 && stepY != 0 ? diagonalScale : 1
        let radius = SkirmishRules.playerRadius
        return (
            min(max(x + stepX * SkirmishRules.playerSpeed * scale, radius), SkirmishRules.arenaWidth - radius),
            min(max(y + stepY * SkirmishRules.playerSpeed * scale, radius), SkirmishRules.arenaHeight - radius)
        )
    }
}
