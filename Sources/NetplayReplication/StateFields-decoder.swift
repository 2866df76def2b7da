import NetplayWire

/// Rebuilds a state field by field: each field comes either from the packet (sent in full or
/// as a small delta) or, unchanged, from the baseline the client already holds.
extension StateFields {
    /// Where the fields of one state come from.
    package enum Source {
        /// Every field is in the packet, in full (a spawn).
        case full
        /// Fields whose bit is set in `changed` (bit `i` for field `i`) are in the packet; the
        /// rest are the baseline's.
        case delta(baseline: StateBits, changed: UInt64)
    }

    /// Decodes one state from `packet`, returning it and its field bits (the next baseline).
    package static func decode<State: Decodable>(
        _ type: State.Type, from packet: inout BitReader, source: Source, limits: WireLimits
    ) throws(ReplicationError) -> (state: State, fields: StateBits) {
        var bits = StateBits()
        let state: State
        if let coded = State.self as? any WireFieldCoding.Type {
            state = try decodeFields(coded, as: State.self, from: &packet, source: source, limits: limits, bits: &bits)
        } else {
            state = try decodeCodable(State.self, from: &packet, source: source, limits: limits, bits: &bits)
        }
        return (state, bits)
    }

    /// Decodes a state without a generated coder, through its `Decodable` conformance.
    static func decodeCodable<State: Decodable>(
        _ type: State.Type, from packet: inout BitReader, source: Source, limits: WireLimits, bits: inout StateBits
    ) throws(ReplicationError) -> State {
        let decoder = FieldMergeDecoder(packet: packet, source: source, limits: limits)
        let state: State
        do {
            state = try State(from: decoder)
        } catch let error as WireError {
            throw .malformed(error)
        } catch let error as ReplicationError {
            throw error
        } catch {
            throw .malformed(
                WireError(
                    .unsupported(String(describing: error)), expected: "\(State.self)",
                    at: decoder.cursor.packet.bitsRead))
        }
        try decoder.cursor.checkFieldCount(of: "\(State.self)")
        packet = decoder.cursor.packet
        bits = decoder.cursor.bits
        return state
    }
}

/// The `Decoder` behind ``StateFields/decode(_:from:source:limits:)``; lives for one call.
package final class FieldMergeDecoder: Decoder {
    package var cursor: FieldCursor
    package let limits: WireLimits
    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package init(packet: BitReader, source: StateFields.Source, limits: WireLimits) {
        cursor = FieldCursor(packet: packet, source: source, limits: limits)
        self.limits = limits
    }

    /// Decodes the next field; `optional` fields start with a presence bit.
    func field<T: Decodable>(_ type: T.Type, optional: Bool) throws -> T? {
        let limits = limits
        return try cursor.field { (reader: inout BitReader) throws(WireError) -> T? in
            if optional, try !reader.readBool("presence") { return nil }
            return try WireDecoder(limits: limits).decode(type, from: &reader)
        }
    }

    package func required<T: Decodable>(_ type: T.Type) throws -> T {
        guard let value = try field(type, optional: false) else {
            throw WireError(.valueOutOfRange, expected: "\(T.self)", at: cursor.packet.bitsRead)
        }
        return value
    }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FieldMergeKeyedContainer<Key>(decoder: self))
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw ReplicationError.unsupportedState("top-level unkeyed container; use a struct with stored properties")
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer {
        FieldMergeSingleContainer(decoder: self)
    }
}

/// A state that decodes as one value is one field.
package struct FieldMergeSingleContainer: SingleValueDecodingContainer {
    package let decoder: FieldMergeDecoder
    package var codingPath: [any CodingKey] { [] }
    package func decodeNil() -> Bool { false }
    package func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.required(type) }
}

/// Mirrors `FieldSplitKeyedContainer`: one field per property, in call order.
package struct FieldMergeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    package let decoder: FieldMergeDecoder
    package var codingPath: [any CodingKey] { [] }
    package var allKeys: [Key] { [] }

    package func contains(_ key: Key) -> Bool { true }
    package func decodeNil(forKey key: Key) -> Bool { false }

    package func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.required(type) }
    package func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.required(type) }
    package func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.required(type) }
    package func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.required(type) }
    package func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.required(type) }
    package func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.required(type) }
    package func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.required(type) }
    package func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.required(type) }
    package func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.required(type) }
    package func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.required(type) }
    package func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.required(type) }
    package func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.required(type) }
    package func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.required(type) }
    package func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.required(type) }
    package func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.required(type) }

    package func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try decoder.field(type, optional: true)
    }
    package func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try decoder.field(type, optional: true)
    }

    package func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        throw ReplicationError.unsupportedState("nested container at the top level of a state")
    }

    package func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw ReplicationError.unsupportedState("nested unkeyed container at the top level of a state")
    }

    package func superDecoder() throws -> any Decoder { decoder }
    package func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}
