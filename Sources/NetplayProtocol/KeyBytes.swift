#if canImport(CCryptoBoringSSL)
internal import CCryptoBoringSSL

/// One 32-byte session key in a heap block of its own, read in place and wiped when freed, as
/// swift-crypto's `SymmetricKey` is.
///
/// Where BoringSSL seals packets directly (``PacketAEAD``), this replaces the `SymmetricKey` a
/// ``PacketKey`` kept: reading that one's bytes goes through swift-crypto's generic, not
/// inlinable `withUnsafeBytes`, about 200 instructions at every seal and open, and its block
/// keeps a count and a capacity besides the bytes (80 bytes from the allocator, here 64).
///
/// `@unchecked Sendable`: the block is a `let` of an immutable struct, and its bytes are
/// written only by ``init(copying:)``, before the key is shared, and by the block's `deinit`,
/// when nothing else holds it; every other use reads them. (`ManagedBuffer`, the block's
/// class, is marked never `Sendable`, so the struct carries the conformance.)
struct KeyBytes: @unchecked Sendable {
    /// Bytes in a key.
    static let count = PacketKey.byteCount
    private let block: Block

    /// A key holding `bytes`, which must be ``count`` long.
    init(copying bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count == Self.count, "a session key is \(Self.count) bytes, not \(bytes.count)")
        block = unsafeDowncast(Block.create(minimumCapacity: Self.count) { _ in }, to: Block.self)
        block.withUnsafeMutablePointerToElements { elements in
            UnsafeMutableRawBufferPointer(start: elements, count: Self.count).copyMemory(from: bytes)
        }
    }

    /// Whether two keys hold the same bytes, compared in constant time (BoringSSL's
    /// `CRYPTO_memcmp`), in place.
    static func == (lhs: KeyBytes, rhs: KeyBytes) -> Bool {
        lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CCryptoBoringSSL_CRYPTO_memcmp(left.baseAddress, right.baseAddress, count) == 0
            }
        }
    }

    /// Runs `body` with the key's bytes, in place.
    @inline(__always)
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try block.withUnsafeMutablePointerToElements { try body(UnsafeRawBufferPointer(start: $0, count: Self.count)) }
    }

    /// The heap block: the bytes follow the object header.
    private final class Block: ManagedBuffer<Void, UInt8> {
        deinit {
            withUnsafeMutablePointerToElements { CCryptoBoringSSL_OPENSSL_cleanse($0, KeyBytes.count) }
        }
    }
}
#endif
