/// A small, seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64) that
/// makes every simulated network reproducible: the same seed yields the same losses, delays and
/// corruptions on every platform and every run.
///
/// `SystemRandomNumberGenerator` cannot be seeded and the stdlib's default generator may change
/// between releases, so a failing soak test could never be replayed. xoshiro256** is the
/// generator Blackman and Vigna recommend for general use: 256 bits of state, fast, and it
/// passes BigCrush. SplitMix64 spreads a 64-bit seed over that state, as the authors advise,
/// so nearby seeds (0, 1, 2…) still give unrelated streams.
package struct DeterministicRandom: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole output is a function of `seed`.
    package init(seed: UInt64) {
        var splitMix = seed
        state = (
            Self.splitMix64(&splitMix), Self.splitMix64(&splitMix),
            Self.splitMix64(&splitMix), Self.splitMix64(&splitMix)
        )
    }

    /// SplitMix64 (Steele, Lea, Flood 2014): one step, advancing `seed` by the golden-ratio gamma.
    package static func splitMix64(_ seed: inout UInt64) -> UInt64 {
        seed &+= 0x9E37_79B9_7F4A_7C15
        var mixed = seed
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    package mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, by: 45)
        return result
    }

    /// A uniform double in `0..<1` built from the top 53 bits, so every value is exactly
    /// representable and the mapping is identical on every platform.
    package mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// `true` with probability `probability` (clamped to 0…1). Draws nothing when the
    /// probability is zero, so disabled impairments leave the stream — and thus every other
    /// decision — untouched.
    package mutating func chance(_ probability: Double) -> Bool {
        guard probability > 0 else { return false }
        return nextUnitInterval() < probability
    }

    /// An approximately normal sample with mean 0 and standard deviation 1, bounded to ±6.
    ///
    /// Irwin–Hall (the sum of 12 uniforms, minus 6) instead of Box–Muller: it needs no `log`
    /// or `cos`, whose last bits differ between libm implementations and would break
    /// cross-platform replay, and its hard bound suits a simulator that must respect limits.
    package mutating func nextStandardNormal() -> Double {
        var sum = 0.0
        for _ in 0..<12 { sum += nextUnitInterval() }
        return sum - 6
    }

    private func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}
