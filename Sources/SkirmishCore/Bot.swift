/// A computer player: keeps away from creeps and the walls, aims at the nearest creep and
/// shoots when it is in range. For headless runs, soak tests and an empty seat.
///
/// The bot is a pure function of the world, so it is as deterministic as the world: two peers
/// running the same bot on the same world produce the same input.
public struct Bot: Sendable {
    /// The player this bot plays.
    public let playerID: PlayerID

    /// Creates a bot for player `playerID`.
    public init(playerID: PlayerID) {
        self.playerID = playerID
    }

    /// Creeps closer than this (world units) push the bot away, harder the closer they are:
    /// about 1.2 s of a fast creep's walk, time enough to turn and shoot.
    static let dangerRadius: Float = 220
    /// Walls closer than this push the bot back towards the middle, so it is not cornered.
    static let wallMargin: Float = 150
    /// How strongly the bot drifts to the centre when nothing threatens it.
    static let centrePull: Float = 0.2
    /// A push component smaller than this is not worth a key press (avoids jitter).
    static let moveDeadZone: Float = 0.15
    /// Shoots only at creeps within this share of a bullet's range, where it still hits.
    static let rangeShare: Float = 0.9

    /// The input the bot gives this tick.
    public func input(in world: World) -> PlayerInput {
        if case .gameOver = world.phase { return PlayerInput(shoot: true) }  // ask for a restart
        guard let me = world.player(playerID), me.isAlive else { return .idle }

        var pushX: Float = 0
        var pushY: Float = 0
        var target: (creep: Creep, distanceSquared: Float)?
        for creep in world.creeps {
            let dx = me.x - creep.x
            let dy = me.y - creep.y
            let distanceSquared = dx * dx + dy * dy
            if target.map({ distanceSquared < $0.distanceSquared }) ?? true {
                target = (creep, distanceSquared)
            }
            let distance = distanceSquared.squareRoot()
            if distance < Self.dangerRadius, distance > 0 {
                let weight = (Self.dangerRadius - distance) / Self.dangerRadius
                pushX += dx / distance * weight
                pushY += dy / distance * weight
            }
        }
        let wallsX = wallPush(me.x, extent: SkirmishRules.arenaWidth)
        let wallsY = wallPush(me.y, extent: SkirmishRules.arenaHeight)
        pushX += wallsX
        pushY += wallsY
        if pushX == wallsX, pushY == wallsY {
            pushX += (SkirmishRules.arenaWidth / 2 - me.x) / SkirmishRules.arenaWidth * Self.centrePull
            pushY += (SkirmishRules.arenaHeight / 2 - me.y) / SkirmishRules.arenaHeight * Self.centrePull
        }

        var input = PlayerInput(moveX: direction(pushX), moveY: direction(pushY))
        if let target {
            let range = SkirmishRules.bulletSpeed * Float(SkirmishRules.bulletLifetimeTicks) * Self.rangeShare
            input.aim = Float(DeterministicMath.atan2(Double(target.creep.y - me.y), Double(target.creep.x - me.x)))
            input.shoot = target.distanceSquared < range * range && me.fireCooldownTicks <= 1
        }
        return input
    }

    /// A push away from the walls of one axis, growing from 0 at ``wallMargin`` to 1 at the wall.
    private func wallPush(_ position: Float, extent: Float) -> Float {
        if position < Self.wallMargin { return (Self.wallMargin - position) / Self.wallMargin }
        if position > extent - Self.wallMargin { return -(position - (extent - Self.wallMargin)) / Self.wallMargin }
        return 0
    }

    private func direction(_ push: Float) -> Int8 {
        push > Self.moveDeadZone ? 1 : push < -Self.moveDeadZone ? -1 : 0
    }
}
