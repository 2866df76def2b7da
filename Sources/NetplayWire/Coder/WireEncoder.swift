/// Encodes any `Encodable` value into Netplay's compact binary form: no field names, values
/// in declaration order, integers as varints (zig-zag when signed), floats bit-exact,
/// optionals as one presence bit, collections as a capped count then elements.
///
/// Enum cases (the only keys on the wire) travel as their coding key's integer value when
/// it has one, otherwise as a short string.
package struct WireEncoder: Sendable {
    /// Caps checked while encoding, so nothing is written that a peer would refuse to read.
    package var limits: WireLimits

    /// Creates an encoder.
    package init(limits: WireLimits = .default) { self.limits = limits }

    /// Encodes `value` and returns its bytes.
    package func encode<T: Encodable>(_ value: T) throws(WireError) -> [UInt8] {
        var writer = BitWriter()
        try encode(value, into: &writer)
        return writer.finish()
    }

    /// Encodes `value` onto the end of `writer`.
    package func encode<T: Encodable>(_ value: T, into writer: inout BitWriter) throws(WireError) {
        let encoder = BinaryWireEncoder(writer: writer, limits: limits)
        // The encoder holds the only reference to the bytes while it appends, so a nested
        // `Codable` value inside a generated coder does not copy the message written so far.
        writer = BitWriter(capacity: 0)
        defer { writer = encoder.writer }
        do {
            try encoder.encodeValue(value)
            if let deferred = encoder.deferredError { throw deferred }
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError(.unencodable(String(describing: error)), expected: "\(T.self)", at: encoder.writer.bitCount)
        }
    }
}

/// The `Encoder` behind ``WireEncoder``. A class because Codable containers must share one
/// growing bit stream; it lives only for one `encode` call and never crosses threads.
package final class BinaryWireEncoder: Encoder {
    package var writer: BitWriter
    package let limits: WireLimits
    var depth = 0
    /// An error raised where Codable's API cannot throw; reported when the encode ends.
    var deferredError: (any Error)?
    package var codingPath: [any CodingKey] { [] }
    package var userInfo: [CodingUserInfoKey: Any] { [:] }

    package init(writer: BitWriter, limits: WireLimits) {
        self.writer = writer
        self.limits = limits
    }

    func encodeValue<T: Encodable>(_ value: T) throws {
        depth += 1
        defer { depth -= 1 }
        guard depth <= limits.maxDepth else {
            throw WireError(.nestingTooDeep(limit: limits.maxDepth), expected: "\(T.self)", at: writer.bitCount)
        }
        if let primitive = WirePrimitiveCache.primitive(T.self) {
            try primitive.write(value, to: self)
        } else {
            try value.encode(to: self)
        }
    }

    func writeKey(_ key: some CodingKey) throws {
        if let int = key.intValue {
            writer.writeBool(true)
            writer.writeVarInt(Int64(int))
        } else {
            writer.writeBool(false)
            try writer.writeString(key.stringValue, limits: WireLimits(maxStringBytes: WireKeys.maxKeyBytes))
        }
    }

    package func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWireEncodingContainer<Key>(encoder: self))
    }

    package func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedWireEncodingContainer(encoder: self)
    }

    package func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueWireEncodingContainer(encoder: self)
    }
}

/// Limits on coding keys, which appear on the wire only for enum cases.
package enum WireKeys {
    /// Longest case name sent as a string; longer names are a programming error caught at encode.
    static let maxKeyBytes = 64
}
