/// Packs values into a little-endian bit stream, least significant bit first.
///
/// The same order Glenn Fiedler's `serialize` library uses: bits fill each byte from its low
/// end, so a byte-aligned 8-bit write is exactly one byte. Pair with ``BitReader``.
///
/// Bits gather in a 64-bit word and reach the byte array eight bytes at a time, so a message
/// of up to 64 bits touches the heap once: when ``finish()`` hands its bytes over.
public struct BitWriter: Sendable {
    /// Bytes flushed so far: whole scratch words, and raw bytes written when aligned.
    @usableFromInline package var storage: [UInt8]
    /// Bits not yet flushed into `storage`, low bits first. Holds at most 63 bits.
    @usableFromInline package var scratch: UInt64 = 0
    @usableFromInline var scratchBits: Int = 0
    /// Bytes to reserve when the first word is flushed (the `capacity` asked for).
    @usableFromInline let reservedCapacity: Int
    /// Caps checked while writing, so nothing is written that a peer would refuse to read.
    package var limits: WireLimits = .default
    /// How many nested messages ``write(_:)-(Message)`` is inside: bounds recursion, as the
    /// reader's cap does.
    @usableFromInline var depth = 0

    /// Creates an empty writer that will reserve room for `capacity` bytes once it holds
    /// more than one 64-bit word (nothing is allocated before).
    @inlinable
    public init(capacity: Int = 64) {
        storage = []
        reservedCapacity = capacity
    }

    /// Bits in the word that `scratch` gathers before it is flushed.
    @usableFromInline static var wordBits: Int { UInt64.bitWidth }
    /// Bytes in that word.
    @usableFromInline static var wordBytes: Int { UInt64.bitWidth / 8 }

    /// Number of bits written so far.
    @inlinable
    public var bitCount: Int { storage.count &* 8 &+ scratchBits }

    /// The bytes written, the last one zero-padded, leaving the writer as it is (at most one
    /// allocation; ``finish()`` needs none when the writer is done).
    package var bytes: [UInt8] {
        let tailBytes = (scratchBits &+ 7) &>> 3
        if tailBytes == 0 { return storage }
        var result: [UInt8] = []
        result.reserveCapacity(storage.count &+ tailBytes)
        result.append(contentsOf: storage)
        withUnsafeBytes(of: scratch.littleEndian) {
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<tailBytes]))
        }
        return result
    }

    /// Flushes the last partial byte and hands over the bytes without copying them, leaving
    /// the writer empty.
    ///
    /// Mutating rather than `consuming`: Swift copies a `var` passed to a consuming method
    /// (a retain and a release per message), and a writer is almost always a local `var`.
    @inlinable
    public mutating func finish() -> [UInt8] {
        // A message that never filled a word allocates here, once, exactly its size.
        appendScratchBytes((scratchBits &+ 7) &>> 3)
        var bytes: [UInt8] = []
        swap(&bytes, &storage)
        return bytes
    }

    /// Writes the low `count` bits of `value` (`count` in 0…64).
    @inlinable
    public mutating func writeBits(_ value: UInt64, count: Int) {
        precondition(count >= 0 && count <= Self.wordBits, "bit count \(count) outside 0...64")
        let masked = count == Self.wordBits ? value : value & ((1 &<< UInt64(count)) &- 1)
        let used = scratchBits
        let total = used &+ count
        guard total >= Self.wordBits else {
            scratch |= masked &<< UInt64(used)
            scratchBits = total
            return
        }
        fillWord(masked, count: count)
    }

    /// Writes `count` bits of `value` (already masked) that fill the scratch word: flushes it
    /// and keeps the bits that did not fit. Out of line, so the common write stays small.
    @usableFromInline
    mutating func fillWord(_ value: UInt64, count: Int) {
        let used = scratchBits
        if storage.capacity == 0 { storage.reserveCapacity(Swift.max(reservedCapacity, Self.wordBytes * 2)) }
        let word = scratch | value &<< UInt64(used)
        withUnsafeBytes(of: word.littleEndian) { storage.append(contentsOf: $0) }
        // The bits of `value` that did not fit: its top `used + count - 64`, shifted down by
        // the `64 - used` that did (`&>>` by 64 would not shift at all).
        let spill = used &+ count &- Self.wordBits
        scratch = spill == 0 ? 0 : value &>> UInt64(Self.wordBits &- used)
        scratchBits = spill
    }

    /// Moves the low `count` bytes of `scratch` into `storage` (`count` ≤ 8; the bits past
    /// them must be dropped or already zero).
    @inlinable
    mutating func appendScratchBytes(_ count: Int) {
        let word = scratch.littleEndian
        withUnsafeBytes(of: word) { storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        scratch = count == Self.wordBytes ? 0 : scratch &>> UInt64(count &* 8)
        scratchBits = Swift.max(scratchBits &- count &* 8, 0)
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
        if scratchBits & 7 == 0 {
            let pending = scratchBits &>> 3
            // The first bytes to reach the array reserve what the writer was made for, as a
            // word flushed first would have.
            if storage.capacity == 0 {
                storage.reserveCapacity(Swift.max(reservedCapacity, pending &+ bytes.count))
            }
            appendScratchBytes(pending)
            storage.append(contentsOf: bytes)
        } else {
            for byte in bytes { writeBits(UInt64(byte), count: 8) }
        }
    }
}
