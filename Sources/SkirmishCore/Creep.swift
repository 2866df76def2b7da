import Netplay
import NetplayWire

/// A monster that walks straight at the nearest living player; one bullet kills it, touching
/// a player costs that player a life (and the creep its own).
///
/// It is also a message: `@NetMessage` writes its bit coder, with quantized position and speed.
@NetMessage
public struct Creep: Hashable {
    /// The creep's id, unique within a world and never reused (they count up from 1).
    public internal(set) var id: UInt32
    /// Centre x, world units.
    @Quantized<ArenaX> public internal(set) var x: Float
    /// Centre y, world units.
    @Quantized<ArenaY> public internal(set) var y: Float
    /// How far the creep moves each tick, world units.
    @Quantized<CreepSpeed> public internal(set) var speed: Float
}
