/// Where the protocol core gets its randomness: the host's cookie secret and handshake key,
/// client ephemeral keys and nonces, and peer ids.
///
/// The default draws from the system's cryptographically secure generator. Tests pass a
/// seeded generator so every run is reproducible; never do that in a shipped game, because
/// predictable randomness means predictable keys.
package struct ProtocolRandom: Sendable {
    private var generator: any RandomNumberGenerator & Sendable

    /// Creates a source drawing from `generator`.
    package init(_ generator: some RandomNumberGenerator & Sendable) {
        self.generator = generator
    }

    /// The operating system's cryptographically secure generator.
    package static var system: ProtocolRandom { ProtocolRandom(SystemRandomNumberGenerator()) }

    /// `count` random bytes.
    package mutating func bytes(_ count: Int) -> [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(count)
        while result.count < count {
            var word = generator.next()
            for _ in 0..<min(MemoryLayout<UInt64>.size, count - result.count) {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }

    /// A random 32-bit value.
    mutating func uint32() -> UInt32 {
        UInt32(truncatingIfNeeded: generator.next())
    }
}
