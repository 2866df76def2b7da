/// The simulation's random source: SplitMix64 (Steele, Lea, Flood 2014), seeded by the game.
///
/// Creep spawns must be identical on every peer that simulates from the same seed, so the
/// generator is part of the world's state (and of its hash); `SystemRandomNumberGenerator`
/// cannot be seeded and the stdlib's algorithms may change between releases. 64 bits of state
/// and period 2^64 are plenty for a few draws per creep.
struct SplitMix64: RandomNumberGenerator, Hashable, Sendable {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniform float in 0..<1 from the top 24 bits, so every value is exact in a `Float`.
    mutating func nextUnit() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform integer in 0..<`bound` (multiply-high: no modulo bias worth measuring, no loop).
    mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        return Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }
}
