import Netplay
import NetplayWire

/// How an arena x coordinate crosses the wire: 0..<1600 to 1/16 unit, 15 bits.
///
/// A sixteenth of a unit is far below a pixel at any front end's scale (a terminal cell is 20
/// units wide, a window pixel 2), and it keeps replicated positions within 1/32 unit of the truth.
public enum ArenaX: QuantizationFormat {
    public static let format = QuantizedFloat(0..<Double(SkirmishRules.arenaWidth), step: 1.0 / 16)
}

/// How an arena y coordinate crosses the wire: 0..<900 to 1/16 unit, 14 bits.
public enum ArenaY: QuantizationFormat {
    public static let format = QuantizedFloat(0..<Double(SkirmishRules.arenaHeight), step: 1.0 / 16)
}

/// How one component of a bullet's velocity (world units per tick) crosses the wire:
/// −32..<32 to 1/256, 14 bits. ±32 covers ``SkirmishRules/bulletSpeed`` with room; a 1/512
/// rounding error grows to under 0.1 unit over a bullet's whole flight.
public enum BulletVelocity: QuantizationFormat {
    public static let format = QuantizedFloat(-32..<32, step: 1.0 / 256)
}

/// How a creep's speed (world units per tick) crosses the wire: 0..<8 to 1/64, 9 bits.
public enum CreepSpeed: QuantizationFormat {
    public static let format = QuantizedFloat(0..<8, step: 1.0 / 64)
}

extension QuantizedFloat {
    /// `value` rounded exactly as the wire will round it.
    ///
    /// The simulation snaps the values it puts into network types (a bullet's origin and
    /// velocity, an aim angle) so the peer that creates them and the peer that decodes them
    /// simulate the very same numbers.
    func snapped(_ value: Float) -> Float {
        self.value(at: quantize(value))
    }
}

extension AnglePrecision {
    /// `radians` rounded exactly as a ``QuantizedAngleWith`` of this precision will round it.
    static func snapped(_ radians: Float) -> Float {
        AngleQuantization.angle(AngleQuantization.quantize(radians, bits: bits), bits: bits)
    }
}
