/// Variable-length and structured values: varints, floats, quantized floats, angles,
/// strings, blobs and counts.
extension BitWriter {
    /// Writes an unsigned integer as a LEB128 varint: 7 bits per group, high bit "more follows".
    /// Values below 128 take one byte.
    @inlinable
    package mutating func writeVarUInt(_ value: UInt64) {
        var remaining = value
        while remaining >= 0x80 {
            writeBits((remaining & 0x7F) | 0x80, count: 8)
            remaining >>= 7
        }
        writeBits(remaining, count: 8)
    }

    /// Writes an integer of a `bitWidth`-bit type in the fewest bits its magnitude needs:
    /// the count of significant bits (in just enough bits to count to `bitWidth`), then those
    /// bits without the leading one. 999 as a UInt16 takes 5 + 9 = 14 bits; 0 takes 5.
    @inlinable
    mutating func writeCompact(_ value: UInt64, bitWidth: Int) {
        let significant = UInt64.bitWidth - value.leadingZeroBitCount
        writeBits(UInt64(significant), count: CompactInteger.lengthBits(forWidth: bitWidth))
        if significant > 1 { writeBits(value, count: significant - 1) }
    }

    /// Writes an integer as the binary coder does: 8-bit types raw, wider ones compact
    /// (zig-zag first when signed, so small negative numbers stay small).
    @inlinable
    public mutating func writeCodedInteger<T: FixedWidthInteger>(_ value: T) {
        if T.bitWidth <= 8 {
            writeBits(UInt64(truncatingIfNeeded: value), count: T.bitWidth)
        } else if T.isSigned {
            writeCompact(ZigZag.encode(Int64(value)), bitWidth: T.bitWidth)
        } else {
            writeCompact(UInt64(value), bitWidth: T.bitWidth)
        }
    }

    /// Writes a signed integer zig-zag encoded, so small negative numbers stay small.
    @inlinable
    mutating func writeVarInt(_ value: Int64) {
        writeVarUInt(ZigZag.encode(value))
    }

    /// Writes an IEEE-754 single-precision float, bit-exact (NaN payloads and -0 preserved).
    @inlinable
    public mutating func writeFloat(_ value: Float) {
        writeBits(UInt64(value.bitPattern), count: 32)
    }

    /// Writes an IEEE-754 double-precision float, bit-exact.
    @inlinable
    public mutating func writeDouble(_ value: Double) {
        writeBits(value.bitPattern, count: 64)
    }

    /// Writes a float quantized to `format`'s range and step (out-of-range values clamp,
    /// NaN writes the lower bound).
    @inlinable
    public mutating func writeQuantized(_ value: Float, _ format: QuantizedFloat) {
        writeBits(format.quantize(value), count: format.bitCount)
    }

    /// Writes an angle in radians with `bits` bits of precision over a full turn.
    @inlinable
    public mutating func writeAngle(_ radians: Float, bits: Int) {
        writeBits(AngleQuantization.quantize(radians, bits: bits), count: bits)
    }

    /// Writes a length or count as a varint after checking it against `limit`.
    mutating func writeLength(_ length: Int, limit: Int, what: String) throws(WireError) {
        guard length <= limit else {
            throw WireError(.lengthTooLarge(length: UInt64(length), limit: limit), expected: what, at: bitCount)
        }
        writeVarUInt(UInt64(length))
    }

    /// Writes a UTF-8 string: its byte length as a varint, then the bytes.
    public mutating func writeString(_ value: String) throws(WireError) {
        try writeString(value, limits: limits)
    }

    package mutating func writeString(_ value: String, limits: WireLimits) throws(WireError) {
        let utf8 = value.utf8
        try writeLength(utf8.count, limit: limits.maxStringBytes, what: "string length")
        writeRawBytes(utf8)
    }

    /// Writes a byte blob: its length as a varint, then the bytes.
    public mutating func writeBlob<C: Collection>(_ bytes: C) throws(WireError) where C.Element == UInt8 {
        try writeBlob(bytes, limits: limits)
    }

    mutating func writeBlob<C: Collection>(_ bytes: C, limits: WireLimits) throws(WireError)
    where C.Element == UInt8 {
        try writeLength(bytes.count, limit: limits.maxBlobBytes, what: "blob length")
        writeRawBytes(bytes)
    }

    /// Writes a length-capped collection (an array, a set, a dictionary's pairs): its count,
    /// then each element with `writeElement`, in the collection's order.
    public mutating func writeArray<Elements: Collection>(
        _ elements: Elements, _ writeElement: (inout BitWriter, Elements.Element) throws(WireError) -> Void
    ) throws(WireError) {
        try writeLength(elements.count, limit: limits.maxElements, what: "array count")
        for element in elements { try writeElement(&self, element) }
    }
}

/// Zig-zag mapping of signed to unsigned integers: 0, -1, 1, -2 … become 0, 1, 2, 3 …
@usableFromInline package enum ZigZag {
    /// Maps a signed value to its zig-zag unsigned form.
    @inlinable
    package static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Maps a zig-zag unsigned value back to its signed form.
    @inlinable
    package static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }
}

/// Sizes for ``BitWriter/writeCompact(_:bitWidth:)``.
@usableFromInline package enum CompactInteger {
    /// Bits needed to count 0…`width` significant bits: 4 for 8-bit types, 5 for 16, 6 for 32, 7 for 64.
    @inlinable
    static func lengthBits(forWidth width: Int) -> Int {
        Int.bitWidth - width.leadingZeroBitCount
    }
}
