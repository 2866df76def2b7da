/// Values the binary coder writes directly instead of going through their Codable code:
/// scalars, and the collections whose element count must precede the elements.
package protocol WirePrimitive: SendableMetatype {
    func write(to encoder: BinaryWireEncoder) throws
    static func read(from decoder: BinaryWireDecoder) throws -> Self
}

extension WirePrimitive {
    /// Writes `value`, known (by the type cache) to be a `Self`, without an existential cast.
    package static func write<T>(_ value: T, to encoder: BinaryWireEncoder) throws {
        try withUnsafePointer(to: value) { pointer in
            try UnsafeRawPointer(pointer).assumingMemoryBound(to: Self.self).pointee.write(to: encoder)
        }
    }
}

extension Bool: WirePrimitive {
    package func write(to encoder: BinaryWireEncoder) { encoder.writer.writeBool(self) }
    package static func read(from decoder: BinaryWireDecoder) throws -> Bool { try decoder.reader.readBool() }
}

extension String: WirePrimitive {
    package func write(to encoder: BinaryWireEncoder) throws {
        try encoder.writer.writeString(self, limits: encoder.limits)
    }
    package static func read(from decoder: BinaryWireDecoder) throws -> String { try decoder.reader.readString() }
}

extension Float: WirePrimitive {
    package func write(to encoder: BinaryWireEncoder) { encoder.writer.writeFloat(self) }
    package static func read(from decoder: BinaryWireDecoder) throws -> Float { try decoder.reader.readFloat() }
}

extension Double: WirePrimitive {
    package func write(to encoder: BinaryWireEncoder) { encoder.writer.writeDouble(self) }
    package static func read(from decoder: BinaryWireDecoder) throws -> Double { try decoder.reader.readDouble() }
}

/// Integers travel in the fewest bits their magnitude needs (see `BitWriter.writeCodedInteger`).
package protocol WireVarInteger: FixedWidthInteger, WirePrimitive {}

extension WireVarInteger {
    package func write(to encoder: BinaryWireEncoder) { encoder.writer.writeCodedInteger(self) }
    package static func read(from decoder: BinaryWireDecoder) throws -> Self {
        try decoder.reader.readCodedInteger(Self.self)
    }
}

extension Int: WireVarInteger {}
extension Int8: WireVarInteger {}
extension Int16: WireVarInteger {}
extension Int32: WireVarInteger {}
extension Int64: WireVarInteger {}
extension UInt: WireVarInteger {}
extension UInt8: WireVarInteger {}
extension UInt16: WireVarInteger {}
extension UInt32: WireVarInteger {}
extension UInt64: WireVarInteger {}

extension Optional: WirePrimitive where Wrapped: Codable {
    package func write(to encoder: BinaryWireEncoder) throws {
        encoder.writer.writeBool(self != nil)
        if let value = self { try encoder.encodeValue(value) }
    }

    package static func read(from decoder: BinaryWireDecoder) throws -> Wrapped? {
        try decoder.reader.readBool("Optional presence") ? try decoder.decodeValue(Wrapped.self) : nil
    }
}

extension Array: WirePrimitive where Element: Codable {
    package func write(to encoder: BinaryWireEncoder) throws {
        try encoder.writer.writeLength(count, limit: encoder.limits.maxElements, what: "array count")
        for element in self { try encoder.encodeValue(element) }
    }

    package static func read(from decoder: BinaryWireDecoder) throws -> [Element] {
        let count = try decoder.readCount("[\(Element.self)] count")
        var result = [Element]()
        result.reserveCapacity(Swift.min(count, decoder.reader.remainingBits))
        for _ in 0..<count { result.append(try decoder.decodeValue(Element.self)) }
        return result
    }
}

extension Set: WirePrimitive where Element: Codable {
    package func write(to encoder: BinaryWireEncoder) throws {
        try encoder.writer.writeLength(count, limit: encoder.limits.maxElements, what: "set count")
        for element in self { try encoder.encodeValue(element) }
    }

    package static func read(from decoder: BinaryWireDecoder) throws -> Set<Element> {
        let count = try decoder.readCount("Set<\(Element.self)> count")
        var result = Set<Element>(minimumCapacity: Swift.min(count, decoder.reader.remainingBits))
        for _ in 0..<count { result.insert(try decoder.decodeValue(Element.self)) }
        return result
    }
}

extension Dictionary: WirePrimitive where Key: Codable, Value: Codable {
    package func write(to encoder: BinaryWireEncoder) throws {
        try encoder.writer.writeLength(count, limit: encoder.limits.maxElements, what: "dictionary count")
        for (key, value) in self {
            try encoder.encodeValue(key)
            try encoder.encodeValue(value)
        }
    }

    package static func read(from decoder: BinaryWireDecoder) throws -> [Key: Value] {
        let count = try decoder.readCount("[\(Key.self): \(Value.self)] count")
        var result = [Key: Value](minimumCapacity: Swift.min(count, decoder.reader.remainingBits))
        for _ in 0..<count {
            let key = try decoder.decodeValue(Key.self)
            result[key] = try decoder.decodeValue(Value.self)
        }
        return result
    }
}

extension Quantized: WirePrimitive {
    package func write(to encoder: BinaryWireEncoder) { encoder.writer.writeQuantized(wrappedValue, Format.format) }
    package static func read(from decoder: BinaryWireDecoder) throws -> Self {
        Self(wrappedValue: try decoder.reader.readQuantized(Format.format, "\(Format.self)"))
    }
}

extension QuantizedAngleWith: WirePrimitive {
    package func write(to encoder: BinaryWireEncoder) { encoder.writer.writeAngle(wrappedValue, bits: Precision.bits) }
    package static func read(from decoder: BinaryWireDecoder) throws -> Self {
        Self(wrappedValue: try decoder.reader.readAngle(bits: Precision.bits, "angle"))
    }
}
