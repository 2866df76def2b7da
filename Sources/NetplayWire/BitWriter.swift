/// Packs values into a little-endian bit stream, least significant bit first.
///
/// The same order Glenn Fiedler's `serialize` library uses: bits fill each byte from its low
/// end, so a byte-aligned 8-bit write is exactly one byte. Pair with ``BitReader``.
public struct BitWriter: Sendable {
    @usableFromInline package var storage: [UInt8]
    /// Bits not yet flushed into `storage`, low bits first. Holds at most 39 bits.
    @usableFromInline package var scratch: UInt64 = 0
    @usableFromInline var scratchBits: Int = 0
    /// Caps checked while writing, so nothing is written that a peer would refuse to read.
    package var limits: WireLimits = .default
    /// How many nested messages ``write(_:)-(Message)`` is inside: bounds recursion, as the
    /// reader's cap does.
    @usableFromInline var depth = 0

    /// Creates an empty writer, reserving room for `capacity` bytes.
    public init(capacity: Int = 64) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// Number of bits written so far.
    public var bitCount: Int { storage.count &* 8 &+ scratchBits }

    /// The bytes written, the last one zero-padded.
    package var bytes: [UInt8] {
        var result = storage
        if scratchBits > 0 { result.append(UInt8(truncatingIfNeeded: scratch)) }
        return result
    }

    /// Flushes the last partial byte and hands over the bytes without copying them.
    public consuming func finish() -> [UInt8] {
        if scratchBits > 0 { storage.append(UInt8(truncatingIfNeeded: scratch)) }
        return storage
    }

    /// Writes the low `count` bits of `value` (`count` in 0…64).
    @inlinable
    public mutating func writeBits(_ value: UInt64, count: Int) {
        precondition(count >= 0 && count <= 64, "bit count \(count) outside 0...64")
        if count > 32 {
            writeBits(value & 0xFFFF_FFFF, count: 32)
            writeBits(value >> 32, count: count - 32)
            return
        }
        let masked = count == 64 ? value : value & ((1 << UInt64(count)) &- 1)
        scratch |= masked << UInt64(scratchBits)
        scratchBits &+= count
        while scratchBits >= 8 {
            storage.append(UInt8(truncatingIfNeeded: scratch))
            scratch >>= 8
            scratchBits &-= 8
        }
    }

    /// Writes one bit.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        writeBits(value ? 1 : 0, count: 1)
    }

    /// Writes an unsigned integer in exactly `bits` bits (the value must fit).
    @inlinable
    public mutating func writeUInt(_ value: UInt64, bits: Int) {
        precondition(bits == 64 || value >> UInt64(bits) == 0, "\(value) does not fit in \(bits) bits")
        writeBits(value, count: bits)
    }

    /// Writes a fixed-width integer in its full width.
    @inlinable
    public mutating func writeFixed<T: FixedWidthInteger>(_ value: T) {
        writeBits(UInt64(truncatingIfNeeded: value), count: T.bitWidth)
    }

    /// Pads with zero bits to the next byte boundary.
    @inlinable
    mutating func alignToByte() {
        let pad = (8 - scratchBits % 8) % 8
        if pad > 0 { writeBits(0, count: pad) }
    }

    /// Appends raw bytes (fast when the writer is byte-aligned).
    @inlinable
    public mutating func writeRawBytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if scratchBits == 0 {
            storage.append(contentsOf: bytes)
        } else {
            for byte in bytes { writeBits(UInt64(byte), count: 8) }
        }
    }
}
