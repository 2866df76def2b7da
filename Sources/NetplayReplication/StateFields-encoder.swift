import NetplayWire

/// Splits a state into its top-level fields, each encoded separately, so snapshots can send
/// only the fields that changed. A `@NetMessage` state codes its own fields
/// (`StateFields-generated.swift`); any other `Codable` state goes through ``WireEncoder``.
///
/// Synthesized `Codable` writes a struct's stored properties in declaration order through a
/// keyed container; this encoder gives each of those calls its own bit string. A property
/// wrapper such as `@Quantized` is one field, encoded in its quantized width.
package enum StateFields {
    /// Most top-level fields a state may have; the changed-field mask costs one bit each.
    static let maxFields = 64

    /// The field bits of `state`.
    package static func encode<State: Encodable>(_ state: State, limits: WireLimits) throws(ReplicationError)
        -> StateBits
    {
        if let coded = state as? any WireFieldCoding { return try encodeFields(coded, limits: limits) }
        return try encodeCodable(state, limits: limits)
    }

    /// The field bits of a state without a generated coder, through its `Encodable` conformance.
    static func encodeCodable<State: Encodable>(_ state: State, limits: WireLimits) throws(ReplicationError)
        -> StateBits
    {
        let encoder = FieldSplitEncoder(limits: limits)
        do {
            try state.encode(to: encoder)
        } catch let error as WireError {
            throw .malformed(error)
        } catch let error as ReplicationError {
            throw error
        } catch {
            throw .unsupportedState(String(describing: error))
        }
        if let failure = encoder.failure { throw failure }
        guard encoder.fields.count <= maxFields else {
            throw .unsupportedState("\(State.self) has \(encoder.fields.count) fields; at most \(maxFields)")
        }
        return encoder.fields
    }
}

/// The `Encoder` behind ``StateFields/encode(_:limits:)``; a class because Codable's
/// containers share it. Lives for one call on one thread.
package final class FieldSplitEncoder: Encoder {
    package var fields = StateBits()
    package var failure: ReplicationError?
    package let limits: WireLimits
    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package init(limits: WireLimits) { self.limits = limits }

    func field<T: Encodable>(_ value: T?, optional: Bool) throws {
        var writer = BitWriter(capacity: 8)
        if optional { writer.writeBool(value != nil) }
        if let value { try WireEncoder(limits: limits).encode(value, into: &writer) }
        fields.append(bitsOf: writer)
    }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(FieldSplitKeyedContainer<Key>(encoder: self))
    }

    package func unkeyedContainer() -> any UnkeyedEncodingContainer {
        failure = .unsupportedState("top-level unkeyed container; use a struct with stored properties")
        return FieldSplitUnkeyedSink()
    }

    package func singleValueContainer() -> any SingleValueEncodingContainer { FieldSplitSingleContainer(encoder: self) }
}

/// Swallows calls this layer cannot split; the failure is already recorded.
package struct FieldSplitUnkeyedSink: UnkeyedEncodingContainer {
    package var codingPath: [any CodingKey] { [] }
    package var count: Int { 0 }
    package mutating func encodeNil() throws {}
    package mutating func encode<T: Encodable>(_ value: T) throws {}
    package mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        KeyedEncodingContainer(FieldSplitKeyedContainer<NestedKey>(encoder: FieldSplitEncoder(limits: .default)))
    }
    package mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
    package mutating func superEncoder() -> any Encoder { FieldSplitEncoder(limits: .default) }
}

/// A state that encodes as one value is one field.
package struct FieldSplitSingleContainer: SingleValueEncodingContainer {
    package let encoder: FieldSplitEncoder
    package var codingPath: [any CodingKey] { [] }
    package mutating func encodeNil() throws { try encoder.field(Int8?.none, optional: true) }
    package mutating func encode<T: Encodable>(_ value: T) throws { try encoder.field(value, optional: false) }
}

/// Each property becomes one field; optionals carry the presence bit the binary coder uses.
package struct FieldSplitKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    package let encoder: FieldSplitEncoder
    package var codingPath: [any CodingKey] { [] }

    package mutating func encodeNil(forKey key: Key) throws {
        throw ReplicationError.unsupportedState("encodeNil for \(key.stringValue); declare it Optional")
    }
    package mutating func encode(_ value: Bool, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: String, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Double, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Float, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Int, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Int8, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Int16, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Int32, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: Int64, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: UInt, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: UInt8, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: UInt16, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: UInt32, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode(_ value: UInt64, forKey key: Key) throws { try encoder.field(value, optional: false) }
    package mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.field(value, optional: false)
    }

    package mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }
    package mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        try encoder.field(value, optional: true)
    }

    package mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.failure = .unsupportedState("nested container at the top level of a state")
        return KeyedEncodingContainer(
            FieldSplitKeyedContainer<NestedKey>(encoder: FieldSplitEncoder(limits: encoder.limits)))
    }

    package mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.failure = .unsupportedState("nested unkeyed container at the top level of a state")
        return FieldSplitUnkeyedSink()
    }

    package mutating func superEncoder() -> any Encoder { encoder }
    package mutating func superEncoder(forKey key: Key) -> any Encoder { encoder }
}
