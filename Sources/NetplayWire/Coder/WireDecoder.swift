/// Decodes values written by ``WireEncoder``. Total on hostile input: every failure is a
/// ``WireError`` (short input, bad varint, over-cap length, invalid UTF-8, unknown enum case,
/// too-deep nesting, trailing bytes), never a trap or an allocation sized by an unchecked length.
package struct WireDecoder: Sendable {
    /// Caps applied to every length read.
    package var limits: WireLimits

    /// Creates a decoder.
    package init(limits: WireLimits = .default) { self.limits = limits }

    /// Decodes a `T` that must use every byte of `bytes`.
    package func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws(WireError) -> T {
        var reader = BitReader(bytes, limits: limits)
        let value = try decode(type, from: &reader)
        try reader.expectEnd("end of \(T.self)")
        return value
    }

    /// Decodes a `T` from the current position of `reader`, advancing it.
    package func decode<T: Decodable>(_ type: T.Type, from reader: inout BitReader) throws(WireError) -> T {
        let decoder = BinaryWireDecoder(reader: reader, limits: limits)
        do {
            let value = try decoder.decodeValue(T.self)
            reader = decoder.reader
            return value
        } catch {
            throw decoder.wireError(for: error, decoding: "\(T.self)")
        }
    }
}

/// The `Decoder` behind ``WireDecoder``; a class so containers share one reader. Lives for
/// one `decode` call on one thread.
package final class BinaryWireDecoder: Decoder {
    package var reader: BitReader
    package let limits: WireLimits
    var depth = 0
    /// An error raised where Codable's API cannot throw (`allKeys`); preferred when reporting.
    var deferredError: WireError?
    /// The enum case key read by `allKeys`, remembered for the container that read it.
    var pendingKey: (container: Int, key: any CodingKey)?
    private var nextContainerID = 0

    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package init(reader: BitReader, limits: WireLimits) {
        self.reader = reader
        self.limits = limits
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        depth += 1
        defer { depth -= 1 }
        guard depth <= limits.maxDepth else {
            throw WireError(.nestingTooDeep(limit: limits.maxDepth), expected: "\(T.self)", at: reader.bitsRead)
        }
        if let primitive = WirePrimitiveCache.primitive(T.self), let value = try primitive.read(from: self) as? T {
            return value
        }
        return try T(from: self)
    }

    func readCount(_ expected: String) throws -> Int {
        // Every element takes at least one bit, so a count can never exceed the bits left:
        // a 10-byte packet cannot make the decoder loop or reserve for a million elements.
        try reader.readLength(limit: limits.maxElements, minimumBitsEach: 1, expected)
    }

    func makeContainerID() -> Int {
        nextContainerID += 1
        return nextContainerID
    }

    /// Reads an enum case key and resolves it against `Key`.
    func readKey<Key: CodingKey>(_ type: Key.Type) throws(WireError) -> Key {
        let start = reader.bitsRead
        if try reader.readBool("coding key kind") {
            let int = try reader.readVarInt("\(Key.self) case index")
            guard let intValue = Int(exactly: int), let key = Key(intValue: intValue) else {
                throw WireError(.unknownKey("#\(int)"), expected: "\(Key.self)", at: start)
            }
            return key
        }
        let name = try reader.readString("\(Key.self) case name", maxBytes: WireKeys.maxKeyBytes)
        guard let key = Key(stringValue: name) else {
            throw WireError(.unknownKey(name), expected: "\(Key.self)", at: start)
        }
        return key
    }

    /// Turns whatever a Codable implementation threw into the most telling ``WireError``.
    func wireError(for error: any Error, decoding type: String) -> WireError {
        if let deferredError { return deferredError }
        if let wire = error as? WireError { return wire }
        return WireError(.unsupported(String(describing: error)), expected: type, at: reader.bitsRead)
    }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedWireDecodingContainer<Key>(decoder: self, id: makeContainerID()))
    }

    package func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        UnkeyedWireDecodingContainer(decoder: self)
    }

    package func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueWireDecodingContainer(decoder: self)
    }
}
