/// Reads values written by ``BitWriter``. Every read is bounds-checked and throws a
/// ``WireError`` naming what was expected and where, so hostile input can never trap.
public struct BitReader: Sendable {
    @usableFromInline package let storage: [UInt8]
    /// Absolute bit position of the next read.
    @usableFromInline package var position: Int
    @usableFromInline let endBit: Int
    /// Caps applied to lengths read from this input.
    package var limits: WireLimits
    /// How many nested messages ``read(_:)-(Message.Type)`` is inside: hostile input cannot
    /// recurse deeper than ``WireLimits/maxDepth``.
    @usableFromInline var depth = 0

    /// Creates a reader over `bytes`, with the default caps on decoded lengths.
    public init(_ bytes: [UInt8]) { self.init(bytes, limits: .default) }

    /// Creates a reader over a slice of bytes (copied once), with the default caps.
    public init(_ bytes: ArraySlice<UInt8>) { self.init(bytes, limits: .default) }

    /// Creates a reader over `bytes` with the given caps on decoded lengths.
    package init(_ bytes: [UInt8], limits: WireLimits) {
        storage = bytes
        position = 0
        endBit = bytes.count * 8
        self.limits = limits
    }

    /// Creates a reader over a slice of bytes (copied once).
    package init(_ bytes: ArraySlice<UInt8>, limits: WireLimits) {
        self.init(Array(bytes), limits: limits)
    }

    /// Bits read so far.
    package var bitsRead: Int { position }
    /// Bits left to read.
    package var remainingBits: Int { endBit - position }
    /// Whole bytes left, counting a partly read byte as read.
    var remainingWholeBytes: Int { (endBit - position) / 8 }

    /// Bits in the widest single load ``readBits(_:_:)`` makes.
    @usableFromInline static let wordBits = 64

    /// Reads `count` bits (0…64) as an unsigned integer.
    @inlinable
    public mutating func readBits(_ count: Int, _ expected: @autoclosure () -> String = "bits") throws(WireError)
        -> UInt64
    {
        precondition(count >= 0 && count <= 64, "bit count \(count) outside 0...64")
        guard count <= endBit &- position else {
            throw WireError(.endOfData(neededBits: count - (endBit - position)), expected: expected(), at: position)
        }
        let firstByte = position &>> 3
        let offset = position & 7
        // Most reads fit one 64-bit little-endian load (offset + count ≤ 63): one load, a
        // shift and a mask instead of a loop per byte. Near the end the load takes only the
        // bytes that exist; the bounds check above guarantees the bits read are among them.
        if count &+ offset <= Self.wordBits &- 1 {
            let available = Swift.min(storage.count &- firstByte, Self.wordBits / 8)
            var word: UInt64 = 0
            storage.withUnsafeBytes { bytes in
                withUnsafeMutableBytes(of: &word) { target in
                    target.copyMemory(
                        from: UnsafeRawBufferPointer(rebasing: bytes[firstByte..<(firstByte &+ available)]))
                }
            }
            position &+= count
            return (UInt64(littleEndian: word) &>> UInt64(offset)) & ((1 &<< UInt64(count)) &- 1)
        }
        var result: UInt64 = 0
        var produced = 0
        var bit = position
        while produced < count {
            let byte = UInt64(storage[bit &>> 3])
            let offset = bit & 7
            let take = Swift.min(8 &- offset, count &- produced)
            let chunk = (byte &>> UInt64(offset)) & ((1 &<< UInt64(take)) &- 1)
            result |= chunk &<< UInt64(produced)
            produced &+= take
            bit &+= take
        }
        position = bit
        return result
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
        _ type: T.Type = T.self, _ expected: @autoclosure () -> String = "\(T.self)"
    ) throws(WireError) -> T {
        T(truncatingIfNeeded: try readBits(T.bitWidth, expected()))
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
        if position & 7 == 0 {
            let start = position >> 3
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
        var copy = self
        if left > 0, try copy.readBits(left) != 0 {
            throw WireError(.trailingData(bits: left), expected: what(), at: position)
        }
    }
}
