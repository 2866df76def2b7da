/// Reads values written by ``BitWriter``. Every read is bounds-checked and throws a
/// ``WireError`` naming what was expected and where, so hostile input can never trap.
public struct BitReader: Sendable {
    /// The bytes read, offsets counted from the slice's start: a slice, so that a message is
    /// read where it lies in its datagram instead of being copied out first.
    @usableFromInline package let storage: ArraySlice<UInt8>
    /// Bit position of the next read, counted from the first byte of `storage`.
    @usableFromInline package var position: Int
    @usableFromInline let endBit: Int
    /// The last (up to) eight bytes of `storage` as one little-endian word, and the offset of
    /// its first byte from the start of `storage`: reads that end within them shift this word
    /// instead of loading past the end of the bytes, so every read is one load, a shift and a
    /// mask.
    @usableFromInline let tail: UInt64
    @usableFromInline let tailStart: Int
    /// Caps applied to lengths read from this input.
    @usableFromInline package var limits: WireLimits
    /// How many nested messages ``read(_:)-(Message.Type)`` is inside: hostile input cannot
    /// recurse deeper than ``WireLimits/maxDepth``.
    @usableFromInline var depth = 0

    /// Creates a reader over `bytes`, with the default caps on decoded lengths.
    @inlinable
    public init(_ bytes: [UInt8]) { self.init(bytes[...], limits: .default) }

    /// Creates a reader over a slice of bytes, read in place, with the default caps.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) { self.init(bytes, limits: .default) }

    /// Creates a reader over `bytes` with the given caps on decoded lengths.
    @inlinable
    package init(_ bytes: [UInt8], limits: WireLimits) { self.init(bytes[...], limits: limits) }

    /// Creates a reader over a slice of bytes, read in place (a message's bytes inside the
    /// datagram that carried it), with the given caps on decoded lengths.
    @inlinable
    package init(_ bytes: ArraySlice<UInt8>, limits: WireLimits) {
        storage = bytes
        position = 0
        endBit = bytes.count &* 8
        let start = Swift.max(bytes.count &- Self.wordBytes, 0)
        tailStart = start
        if bytes.count >= Self.wordBytes {
            tail = bytes.withUnsafeBytes {
                UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt64.self))
            }
        } else {
            tail = Self.shortTail(bytes)
        }
        self.limits = limits
    }

    /// All of `bytes` (fewer than eight) as one little-endian word. Apart from the initializer:
    /// with this loop beside the one load in a closure, the closure was a call of its own and
    /// the initializer longer, some 26 instructions a reader (callgrind).
    @usableFromInline
    static func shortTail(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for index in bytes.indices {
            word |= UInt64(bytes[index]) &<< shift
            shift &+= 8
        }
        return word
    }

    /// Creates a reader over the low `bitCount` (at most 64) bits of `word`, padded with zero
    /// bits to a whole byte as if they had been written to an array, but without allocating
    /// one: how replication reads back a field it keeps inline.
    @inlinable
    package init(word: UInt64, bitCount: Int, limits: WireLimits) {
        precondition(bitCount >= 0 && bitCount <= Self.wordBits, "bit count \(bitCount) outside 0...64")
        storage = []
        position = 0
        endBit = (bitCount &+ 7) & ~7
        tail = bitCount == Self.wordBits ? word : word & ((1 &<< UInt64(bitCount)) &- 1)
        tailStart = 0
        self.limits = limits
    }

    /// Bits read so far.
    @inlinable
    package var bitsRead: Int { position }
    /// Bits left to read.
    @inlinable
    package var remainingBits: Int { endBit &- position }
    /// Whole bytes left, counting a partly read byte as read.
    var remainingWholeBytes: Int { (endBit - position) / 8 }

    /// Bits in the widest single load ``readBits(_:_:)`` makes.
    @usableFromInline static var wordBits: Int { UInt64.bitWidth }
    /// Bytes in that load.
    @usableFromInline static var wordBytes: Int { UInt64.bitWidth / 8 }

    /// Reads `count` bits (0…64) as an unsigned integer.
    @inlinable
    public mutating func readBits(_ count: Int, _ expected: @autoclosure () -> String = "bits") throws(WireError)
        -> UInt64
    {
        precondition(count >= 0 && count <= Self.wordBits, "bit count \(count) outside 0...64")
        guard count <= endBit &- position else { throw endOfData(needing: count, expected) }
        // Only reads of more than 56 bits can straddle nine bytes.
        guard count &+ (position & 7) <= Self.wordBits else { return takeStraddlingBits(count) }
        return takeBits(count)
    }

    /// Reads `count` bits that lie within the eight bytes from the current one; the caller has
    /// checked that they exist.
    @inlinable
    mutating func takeBits(_ count: Int) -> UInt64 {
        let word = loadWord(at: position &>> 3) &>> UInt64(position & 7)
        position &+= count
        return count == Self.wordBits ? word : word & ((1 &<< UInt64(count)) &- 1)
    }

    /// The `count` (0…56) bits from the current position, which the caller has checked exist,
    /// without moving past them.
    @inlinable
    func peekBits(_ count: Int) -> UInt64 {
        let word = loadWord(at: position &>> 3) &>> UInt64(position & 7)
        return word & ((1 &<< UInt64(count)) &- 1)
    }

    /// Reads `count` (57…64) bits that straddle nine bytes, in two halves.
    @usableFromInline
    mutating func takeStraddlingBits(_ count: Int) -> UInt64 {
        let half = Self.wordBits / 2
        let low = takeBits(half)
        return low | (takeBits(count &- half) &<< UInt64(half))
    }

    /// The eight bytes from `byte` on as a little-endian word; past the end they read as zero.
    @inlinable
    func loadWord(at byte: Int) -> UInt64 {
        if byte < tailStart {
            return storage.withUnsafeBytes {
                UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            }
        }
        // Shifting by 64 or more is not zero in `&>>`; the caller masks such a read (of 0 bits) away.
        return tail &>> UInt64((byte &- tailStart) &* 8)
    }

    /// The error for a read of `count` bits past the end; kept out of line, off the hot path.
    @usableFromInline @inline(never)
    func endOfData(needing count: Int, _ expected: () -> String) -> WireError {
        WireError(.endOfData(neededBits: count - (endBit - position)), expected: expected(), at: position)
    }

    /// Reads one bit.
    @inlinable
    public mutating func readBool(_ expected: @autoclosure () -> String = "Bool") throws(WireError) -> Bool {
        try readBits(1, expected()) == 1
    }

    /// Reads an unsigned integer of exactly `bits` bits.
    @inlinable
    public mutating func readUInt(bits: Int, _ expected: @autoclosure () -> String = "UInt") throws(WireError) -> UInt64
    {
        try readBits(bits, expected())
    }

    /// Reads a fixed-width integer in its full width.
    @inlinable
    public mutating func readFixed<T: FixedWidthInteger>(
        _ type: T.Type = T.self, _ expected: @autoclosure () -> String
    ) throws(WireError) -> T {
        T(truncatingIfNeeded: try readBits(T.bitWidth, expected()))
    }

    /// Reads a fixed-width integer in its full width; an error names the type.
    ///
    /// A separate overload rather than a default argument: a default `@autoclosure` that
    /// captures `T` is built by its own function and escapes it, so it was heap-allocated on
    /// every read, whether or not the read failed.
    @inlinable
    public mutating func readFixed<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(WireError) -> T {
        T(truncatingIfNeeded: try readBits(T.bitWidth, "\(T.self)"))
    }

    /// Skips to the next byte boundary; the skipped padding must be zero (tampering otherwise).
    mutating func alignToByte() throws(WireError) {
        let pad = (8 - position % 8) % 8
        let start = position
        if try readBits(pad, "byte alignment padding") != 0 {
            throw WireError(.valueOutOfRange, expected: "zero padding", at: start)
        }
    }

    /// Reads `count` raw bytes; `count` must already be checked against a cap.
    public mutating func readRawBytes(_ count: Int, _ expected: @autoclosure () -> String = "bytes") throws(WireError)
        -> [UInt8]
    {
        guard count >= 0, count <= (endBit - position) / 8 else {
            throw WireError(.endOfData(neededBits: count * 8 - (endBit - position)), expected: expected(), at: position)
        }
        if position & 7 == 0, (position >> 3) + count <= storage.count {
            let start = storage.startIndex + (position >> 3)
            position += count * 8
            return Array(storage[start..<(start + count)])
        }
        var result = [UInt8]()
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(UInt8(try readBits(8, expected()))) }
        return result
    }

    /// Throws unless every bit has been read (besides zero padding in the last byte).
    public func expectEnd(_ what: @autoclosure () -> String = "end of message") throws(WireError) {
        let left = endBit - position
        guard left < 8 else { throw WireError(.trailingData(bits: left), expected: what(), at: position) }
        // Peeked, not read from a copy: a copy of the reader retains its bytes, per message.
        if left > 0, peekBits(left) != 0 {
            throw WireError(.trailingData(bits: left), expected: what(), at: position)
        }
    }
}
