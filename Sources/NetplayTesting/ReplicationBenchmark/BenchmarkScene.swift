import NetplayBase
import NetplayReplication

/// The standard scene's host simulation: creeps wandering and bouncing, players driven by
/// inputs, bullets fired at a steady rate so that a fixed number are in flight.
package struct SceneSimulation: Sendable {
    package struct Creep: Sendable {
        package var unit: SceneUnit
        package var velocityX: Float
        package var velocityY: Float
    }

    package struct Bullet: Sendable {
        package var x: Float, y: Float, velocityX: Float, velocityY: Float
        var expires: Tick
    }

    package let tickRate: TickRate
    package var creeps: [Creep] = []
    package var bullets: [Bullet] = []
    package var random: DeterministicRandom
    /// Fractional shots owed, so the firing rate is exact over time.
    private var shotsOwed = 0.0

    package init(tickRate: TickRate, seed: UInt64) {
        self.tickRate = tickRate
        random = DeterministicRandom(seed: seed)
        for _ in 0..<Scene.creepCount { creeps.append(makeCreep()) }
    }

    /// A creep at a random place, walking in a random direction.
    mutating func makeCreep() -> Creep {
        let angle = Float(random.nextUnitInterval() * 2 * Double.pi)
        let x = Float(random.nextUnitInterval()) * (Scene.arenaSize - 1)
        let y = Float(random.nextUnitInterval()) * (Scene.arenaSize - 1)
        return Creep(
            unit: SceneUnit(x: x, y: y, heading: angle).quantized,
            velocityX: Scene.creepSpeed * Self.cosine(angle), velocityY: Scene.creepSpeed * Self.sine(angle))
    }

    /// Advances creeps and bullets one tick; returns the shots fired at `tick`.
    package mutating func step(at tick: Tick, shooters: [SceneUnit]) -> [TickedEvent<BulletFired>] {
        let seconds = Float(tickRate.secondsPerTick)
        for index in creeps.indices {
            var creep = creeps[index]
            if random.chance(Scene.creepTurnChance) {
                let angle = Float(random.nextUnitInterval() * 2 * Double.pi)
                creep.velocityX = Scene.creepSpeed * Self.cosine(angle)
                creep.velocityY = Scene.creepSpeed * Self.sine(angle)
                creep.unit.heading = angle
            }
            var x = creep.unit.x + creep.velocityX * seconds
            var y = creep.unit.y + creep.velocityY * seconds
            if x < 0 || x >= Scene.arenaSize {
                creep.velocityX = -creep.velocityX
                x = min(max(x, 0), Scene.arenaSize - 1)
            }
            if y < 0 || y >= Scene.arenaSize {
                creep.velocityY = -creep.velocityY
                y = min(max(y, 0), Scene.arenaSize - 1)
            }
            creep.unit.x = x
            creep.unit.y = y
            creeps[index] = creep
        }
        for index in bullets.indices {
            bullets[index].x += bullets[index].velocityX * seconds
            bullets[index].y += bullets[index].velocityY * seconds
        }
        bullets.removeAll { $0.expires <= tick }
        shotsOwed += Double(Scene.bulletsInFlight) / Scene.bulletLifetime * tickRate.secondsPerTick
        var fired: [TickedEvent<BulletFired>] = []
        let lifetimeTicks = Int(Scene.bulletLifetime * Double(tickRate.hertz))
        while shotsOwed >= 1, !shooters.isEmpty {
            shotsOwed -= 1
            let shooter = Int(random.next(upperBound: UInt64(shooters.count)))
            let angle = Float(random.nextUnitInterval() * 2 * Double.pi)
            let shot = BulletFired(
                originX: shooters[shooter].x, originY: shooters[shooter].y,
                velocityX: Scene.bulletSpeed * Self.cosine(angle), velocityY: Scene.bulletSpeed * Self.sine(angle),
                shooter: UInt8(shooter))
            bullets.append(
                Bullet(
                    x: shot.originX, y: shot.originY, velocityX: shot.velocityX, velocityY: shot.velocityY,
                    expires: tick.advanced(by: lifetimeTicks)))
            fired.append(TickedEvent(tick: tick, payload: shot))
        }
        return fired
    }

    /// Sine and cosine by Taylor series on a reduced argument: the layer uses no Foundation,
    /// and a scene only needs directions, not libm precision.
    static func sine(_ angle: Float) -> Float {
        var a = Double(angle).truncatingRemainder(dividingBy: 2 * Double.pi)
        if a > Double.pi { a -= 2 * Double.pi }
        if a < -Double.pi { a += 2 * Double.pi }
        if a > Double.pi / 2 { a = Double.pi - a }
        if a < -Double.pi / 2 { a = -Double.pi - a }
        let a2 = a * a
        return Float(a * (1 - a2 / 6 * (1 - a2 / 20 * (1 - a2 / 42 * (1 - a2 / 72)))))
    }

    static func cosine(_ angle: Float) -> Float { sine(angle + Float.pi / 2) }
}
