import NetplayReplication
import NetplayWire

/// Arena coordinates of the standard scene: 0..<2048 units to 1/32 unit, 16 bits.
package enum SceneCoordinate: QuantizationFormat {
    package static let format = QuantizedFloat(0..<2048, step: 1.0 / 32)
}

/// Bullet velocity components: ±512 units/s to 1/16, 14 bits.
package enum SceneVelocity: QuantizationFormat {
    package static let format = QuantizedFloat(-512..<512, step: 1.0 / 16)
}

/// The replicated state of a player or creep in the standard scene: what a newcomer would
/// write, with the positions quantized.
package struct SceneUnit: Codable, Sendable, Hashable, Interpolatable {
    @Quantized<SceneCoordinate> var x: Float
    @Quantized<SceneCoordinate> var y: Float
    @QuantizedAngle var heading: Float
    var health: UInt8

    package init(x: Float, y: Float, heading: Float = 0, health: UInt8 = 100) {
        self.x = x
        self.y = y
        self.heading = heading
        self.health = health
    }

    package func interpolated(to next: SceneUnit, fraction: Double) -> SceneUnit {
        var result = next
        result.x = x + (next.x - x) * Float(fraction)
        result.y = y + (next.y - y) * Float(fraction)
        return result
    }

    package func distance(to other: SceneUnit) -> Double {
        let dx = Double(x - other.x)
        let dy = Double(y - other.y)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The state as the peer decodes it (rounded to each field's quantization step).
    package var quantized: SceneUnit {
        var copy = self
        copy.x = SceneCoordinate.format.value(at: SceneCoordinate.format.quantize(x))
        copy.y = SceneCoordinate.format.value(at: SceneCoordinate.format.quantize(y))
        copy.heading = AngleQuantization.angle(
            AngleQuantization.quantize(heading, bits: ByteAngle.bits), bits: ByteAngle.bits)
        return copy
    }
}

/// A player's input for one tick: a direction on each axis.
package struct SceneMove: Codable, Sendable, Hashable {
    package var dx: Int8
    package var dy: Int8

    /// Player speed, units per second.
    package static let speed: Float = 150

    /// The deterministic player step both host and predicting client run.
    package static func step(_ unit: SceneUnit, _ move: SceneMove, tickRate: TickRate) -> SceneUnit {
        let distance = speed * Float(tickRate.secondsPerTick)
        var next = unit
        next.x = min(max(unit.x + Float(move.dx.signum()) * distance, 0), Scene.arenaSize - 1)
        next.y = min(max(unit.y + Float(move.dy.signum()) * distance, 0), Scene.arenaSize - 1)
        return next.quantized
    }
}

/// A shot, sent once as a reliable event; both sides then fly the bullet themselves.
package struct BulletFired: Codable, Sendable, Hashable {
    @Quantized<SceneCoordinate> var originX: Float
    @Quantized<SceneCoordinate> var originY: Float
    @Quantized<SceneVelocity> var velocityX: Float
    @Quantized<SceneVelocity> var velocityY: Float
    package var shooter: UInt8
}

/// Sizes of the standard scene (issue 6).
package enum Scene {
    static let arenaSize: Float = 2048
    package static let creepCount = 100
    static let playerCount = 2
    static let bulletsInFlight = 200
    /// Creep walking speed, units per second (a brisk walk across a 2048-unit arena in 40 s).
    package static let creepSpeed: Float = 48
    /// Bullet speed, units per second.
    package static let bulletSpeed: Float = 300
    /// Bullet lifetime, seconds: 200 in flight means 100 shots a second.
    static let bulletLifetime = 2.0
    /// Chance per tick that a creep picks a new direction (about every 2 s at 30 Hz).
    static let creepTurnChance = 1.0 / 60
    static let creepKind = EntityKind(1)
    static let playerKind = EntityKind(2)
}
