/// Variable-length and structured values, mirroring `BitWriter-values.swift`.
extension BitReader {
    /// Most 7-bit groups a 64-bit varint may use.
    @usableFromInline static let maxVarintGroups = 10

    /// Reads a LEB128 varint; rejects encodings longer than 10 groups or overflowing 64 bits.
    @inlinable
    package mutating func readVarUInt(_ expected: @autoclosure () -> String = "varint") throws(WireError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        for group in 0..<Self.maxVarintGroups {
            let byte = try readBits(8, expected())
            let payload = byte & 0x7F
            if group == Self.maxVarintGroups - 1 && payload > 1 {
                throw WireError(.malformedVarint, expected: expected(), at: start)
            }
            result |= payload << UInt64(7 * group)
            if byte & 0x80 == 0 { return result }
        }
        throw WireError(.malformedVarint, expected: expected(), at: start)
    }

    /// Reads an integer written by ``BitWriter/writeCompact(_:bitWidth:)``.
    @inlinable
    mutating func readCompact(bitWidth: Int, _ expected: @autoclosure () -> String = "integer")
        throws(WireError) -> UInt64
    {
        let start = position
        let significant = Int(try readBits(CompactInteger.lengthBits(forWidth: bitWidth), expected()))
        guard significant <= bitWidth else { throw WireError(.valueOutOfRange, expected: expected(), at: start) }
        if significant <= 1 { return UInt64(significant) }
        let low = try readBits(significant - 1, expected())
        return (1 << UInt64(significant - 1)) | low
    }

    /// Reads a `T` written by the binary coder: raw for 8-bit types, compact otherwise.
    @inlinable
    public mutating func readCodedInteger<T: FixedWidthInteger>(
        _ type: T.Type, _ expected: @autoclosure () -> String = "\(T.self)"
    ) throws(WireError) -> T {
        if T.bitWidth <= 8 { return T(truncatingIfNeeded: try readBits(T.bitWidth, expected())) }
        let start = position
        let raw = try readCompact(bitWidth: T.bitWidth, expected())
        if T.isSigned {
            guard let value = T(exactly: ZigZag.decode(raw)) else {
                throw WireError(.valueOutOfRange, expected: expected(), at: start)
            }
            return value
        }
        guard let value = T(exactly: raw) else { throw WireError(.valueOutOfRange, expected: expected(), at: start) }
        return value
    }

    /// Reads a zig-zag signed varint.
    @inlinable
    package mutating func readVarInt(_ expected: @autoclosure () -> String = "signed varint") throws(WireError) -> Int64
    {
        ZigZag.decode(try readVarUInt(expected()))
    }

    /// Reads a varint that must fit `T`.
    @inlinable
    package mutating func readVarInteger<T: FixedWidthInteger>(
        _ type: T.Type, _ expected: @autoclosure () -> String = "\(T.self)"
    ) throws(WireError) -> T {
        let start = position
        if T.isSigned {
            let raw = try readVarInt(expected())
            guard let value = T(exactly: raw) else {
                throw WireError(.valueOutOfRange, expected: expected(), at: start)
            }
            return value
        } else {
            let raw = try readVarUInt(expected())
            guard let value = T(exactly: raw) else {
                throw WireError(.valueOutOfRange, expected: expected(), at: start)
            }
            return value
        }
    }

    /// Reads a single-precision float.
    @inlinable
    public mutating func readFloat(_ expected: @autoclosure () -> String = "Float") throws(WireError) -> Float {
        Float(bitPattern: UInt32(truncatingIfNeeded: try readBits(32, expected())))
    }

    /// Reads a double-precision float.
    @inlinable
    public mutating func readDouble(_ expected: @autoclosure () -> String = "Double") throws(WireError) -> Double {
        Double(bitPattern: try readBits(64, expected()))
    }

    /// Reads a quantized float; an index past the format's top step is corruption.
    @inlinable
    public mutating func readQuantized(
        _ format: QuantizedFloat, _ expected: @autoclosure () -> String = "quantized Float"
    ) throws(WireError) -> Float {
        let start = position
        let index = try readBits(format.bitCount, expected())
        guard index <= format.maxIndex else { throw WireError(.valueOutOfRange, expected: expected(), at: start) }
        return format.value(at: index)
    }

    /// Reads an angle written with `bits` bits of precision, in −π..<π.
    @inlinable
    public mutating func readAngle(bits: Int, _ expected: @autoclosure () -> String = "angle") throws(WireError)
        -> Float
    {
        AngleQuantization.angle(try readBits(bits, expected()), bits: bits)
    }

    /// Reads a length or count, rejecting it unless it is within `limit` and, when each unit
    /// takes at least `minimumBitsEach` bits, within what the input can still hold.
    package mutating func readLength(limit: Int, minimumBitsEach: Int, _ expected: String) throws(WireError) -> Int {
        let start = position
        let raw = try readVarUInt(expected)
        let fitsInput = minimumBitsEach == 0 || raw <= UInt64(remainingBits / minimumBitsEach)
        guard raw <= UInt64(limit), fitsInput else {
            throw WireError(.lengthTooLarge(length: raw, limit: limit), expected: expected, at: start)
        }
        return Int(raw)
    }

    /// Reads a UTF-8 string, validating the bytes and capping the length.
    public mutating func readString(_ expected: String = "String", maxBytes: Int? = nil) throws(WireError) -> String {
        let count = try readLength(limit: maxBytes ?? limits.maxStringBytes, minimumBitsEach: 8, "\(expected) length")
        let start = position
        let bytes = try readRawBytes(count, expected)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw WireError(.invalidUTF8, expected: expected, at: start)
        }
        return string
    }

    /// Reads a length-capped byte blob.
    public mutating func readBlob(_ expected: String = "blob") throws(WireError) -> [UInt8] {
        let count = try readLength(limit: limits.maxBlobBytes, minimumBitsEach: 8, "\(expected) length")
        return try readRawBytes(count, expected)
    }

    /// Reads a length-capped array, each element with `readElement`.
    public mutating func readArray<T>(
        _ expected: String = "array",
        _ readElement: (inout BitReader) throws(WireError) -> T
    ) throws(WireError) -> [T] {
        let count = try readLength(limit: limits.maxElements, minimumBitsEach: 1, "\(expected) count")
        var result = [T]()
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try readElement(&self)) }
        return result
    }
}
