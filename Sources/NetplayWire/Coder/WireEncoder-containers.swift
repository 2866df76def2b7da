/// The keyed container writes values in call order without their keys: synthesized Codable
/// encodes and decodes fields in the same (declaration) order, so the names are redundant.
/// Keys are written only for `nestedContainer(forKey:)`, which is how enum cases are coded.
package struct KeyedWireEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    package let encoder: BinaryWireEncoder
    package var codingPath: [any CodingKey] { [] }

    package mutating func encodeNil(forKey key: Key) throws { throw WireCoderSupport.nilUnsupported(key, encoder) }
    package mutating func encode(_ value: Bool, forKey key: Key) { encoder.writer.writeBool(value) }
    package mutating func encode(_ value: String, forKey key: Key) throws {
        try encoder.writer.writeString(value, limits: encoder.limits)
    }
    package mutating func encode(_ value: Double, forKey key: Key) { encoder.writer.writeDouble(value) }
    package mutating func encode(_ value: Float, forKey key: Key) { encoder.writer.writeFloat(value) }
    package mutating func encode(_ value: Int, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: Int8, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: Int16, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: Int32, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: Int64, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: UInt, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: UInt8, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: UInt16, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: UInt32, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode(_ value: UInt64, forKey key: Key) { encoder.writer.writeCodedInteger(value) }
    package mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encoder.encodeValue(value) }

    // Optionals: one presence bit, then the value.
    package mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value) }
    package mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value) }

    private func present<T: Encodable>(_ value: T?) throws {
        encoder.writer.writeBool(value != nil)
        if let value { try encoder.encodeValue(value) }
    }

    package mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        // This method cannot throw; a key that cannot be written fails the encode at its end.
        do { try encoder.writeKey(key) } catch { encoder.deferredError = encoder.deferredError ?? error }
        return encoder.container(keyedBy: NestedKey.self)
    }

    package mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.unkeyedContainer()
    }

    package mutating func superEncoder() -> any Encoder { encoder }
    package mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
}

/// Unkeyed containers outside the built-in collections have no count on the wire: their
/// elements are written back to back, so they suit fixed-arity data (tuples, SIMD vectors)
/// that decodes the same number of elements it encoded.
package struct UnkeyedWireEncodingContainer: UnkeyedEncodingContainer {
    package let encoder: BinaryWireEncoder
    package var codingPath: [any CodingKey] { [] }
    package private(set) var count = 0

    package init(encoder: BinaryWireEncoder) { self.encoder = encoder }

    package mutating func encodeNil() throws { throw WireCoderSupport.nilUnsupported(nil, encoder) }
    package mutating func encode<T: Encodable>(_ value: T) throws {
        count += 1
        try encoder.encodeValue(value)
    }

    package mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.container(keyedBy: NestedKey.self)
    }

    package mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.unkeyedContainer() }
    package mutating func superEncoder() -> any Encoder { encoder }
}

/// A single value is written exactly as the value itself, with no framing.
package struct SingleValueWireEncodingContainer: SingleValueEncodingContainer {
    package let encoder: BinaryWireEncoder
    package var codingPath: [any CodingKey] { [] }

    package mutating func encodeNil() throws { throw WireCoderSupport.nilUnsupported(nil, encoder) }
    package mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}

/// Errors the containers raise for Codable patterns the binary format cannot express.
package enum WireCoderSupport {
    static func nilUnsupported(_ key: (any CodingKey)?, _ encoder: BinaryWireEncoder) -> WireError {
        WireError(
            .unsupported("encodeNil; declare the property Optional so a presence bit is written"),
            expected: key?.stringValue ?? "value", at: encoder.writer.bitCount)
    }
}
