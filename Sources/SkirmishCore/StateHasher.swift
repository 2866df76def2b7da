/// FNV-1a (64-bit) over the world's state, for comparing two simulations in one number.
///
/// Swift's `Hasher` is seeded per process, so its values cannot be compared between peers or
/// runs; FNV-1a is fixed, tiny and good enough to detect a desync (it is not a defence against
/// an adversary).
struct StateHasher {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    private(set) var value = offsetBasis

    mutating func combine(_ word: UInt64) {
        var remaining = word
        for _ in 0..<8 {
            value = (value ^ (remaining & 0xFF)) &* Self.prime
            remaining >>= 8
        }
    }

    mutating func combine(_ integer: Int) { combine(UInt64(bitPattern: Int64(integer))) }

    mutating func combine(_ integer: UInt32) { combine(UInt64(integer)) }

    /// Floats by bit pattern: the hash must tell 0.1 from 0.1000001.
    mutating func combine(_ float: Float) { combine(UInt64(float.bitPattern)) }

    mutating func combine(_ flag: Bool) { combine(flag ? 1 as UInt64 : 0) }
}
