/// Reads fields in call order, mirroring `KeyedWireEncodingContainer`. Only enum cases carry
/// a key on the wire; `allKeys` reads it (once) so synthesized enum decoding can switch on it.
package struct KeyedWireDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    package let decoder: BinaryWireDecoder
    package let id: Int
    package var codingPath: [any CodingKey] { [] }

    package var allKeys: [Key] {
        if let pending = decoder.pendingKey, pending.container == id, let key = pending.key as? Key { return [key] }
        do {
            let key = try decoder.readKey(Key.self)
            decoder.pendingKey = (id, key)
            return [key]
        } catch {
            // `allKeys` cannot throw; the synthesized decoder fails on the empty list and the
            // decode reports this, more precise, error instead.
            decoder.deferredError = decoder.deferredError ?? error
            return []
        }
    }

    package func contains(_ key: Key) -> Bool { true }
    package func decodeNil(forKey key: Key) -> Bool { false }

    package func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.reader.readBool(key.stringValue)
    }
    package func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.reader.readString(key.stringValue)
    }
    package func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.reader.readDouble(key.stringValue)
    }
    package func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decoder.reader.readFloat(key.stringValue)
    }
    package func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try decoder.reader.readCodedInteger(type, key.stringValue)
    }
    package func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.decodeValue(type) }

    package func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try present(key) ? try decode(type, forKey: key) : nil
    }
    package func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try present(key) ? try decode(type, forKey: key) : nil
    }

    private func present(_ key: Key) throws -> Bool { try decoder.reader.readBool("\(key.stringValue) presence") }

    package func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try consumeKey(key)
        return try decoder.container(keyedBy: NestedKey.self)
    }

    /// The key written by `nestedContainer(forKey:)` on the encoding side: already read by
    /// `allKeys` for synthesized enums, read here for hand-written code.
    private func consumeKey(_ key: Key) throws {
        if let pending = decoder.pendingKey, pending.container == id {
            decoder.pendingKey = nil
            guard pending.key.stringValue == key.stringValue else {
                throw WireError(.unknownKey(key.stringValue), expected: "\(Key.self)", at: decoder.reader.bitsRead)
            }
            return
        }
        let start = decoder.reader.bitsRead
        let read = try decoder.readKey(Key.self)
        guard read.stringValue == key.stringValue else {
            throw WireError(.unknownKey(read.stringValue), expected: "\(Key.self).\(key.stringValue)", at: start)
        }
    }

    package func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.unkeyedContainer()
    }
    package func superDecoder() throws -> any Decoder { decoder }
    package func superDecoder(forKey key: Key) throws -> any Decoder { decoder }
}

/// Fixed-arity unkeyed data (see `UnkeyedWireEncodingContainer`): no count on the wire, so
/// `count` is unknown and the container never reports its end; a loop that reads "until the
/// end" stops with a typed end-of-data error instead of running on.
package struct UnkeyedWireDecodingContainer: UnkeyedDecodingContainer {
    package let decoder: BinaryWireDecoder
    package var codingPath: [any CodingKey] { [] }
    package var count: Int? { nil }
    package var isAtEnd: Bool { decoder.reader.remainingBits == 0 }
    package private(set) var currentIndex = 0

    package init(decoder: BinaryWireDecoder) { self.decoder = decoder }

    package mutating func decodeNil() -> Bool { false }
    package mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        return try decoder.decodeValue(type)
    }

    package mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder.container(keyedBy: NestedKey.self)
    }

    package mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try decoder.unkeyedContainer()
    }
    package mutating func superDecoder() throws -> any Decoder { decoder }
}

/// A single value is read exactly as the value itself.
package struct SingleValueWireDecodingContainer: SingleValueDecodingContainer {
    package let decoder: BinaryWireDecoder
    package var codingPath: [any CodingKey] { [] }

    package func decodeNil() -> Bool { false }
    package func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
