/// A message that crosses the network.
///
/// Mark a struct or enum `@NetMessage` and its bit-level coder is generated from its stored
/// properties (see ``NetMessage()``): compact (no field names, varints, presence bits,
/// quantized floats) and as fast as code written by hand:
/// ```swift
/// @NetMessage
/// struct Chat { var from: String; var text: String }
/// ```
/// Conforming a `Codable` type to `NetMessage` without the macro also works, with no extra
/// code: the same bytes then come from the binary `Codable` coder, several times slower.
/// Types that want every bit implement ``encode(to:)-(BitWriter)`` and
/// ``init(from:)-(BitReader)`` on the bit writer and reader themselves; they must then read
/// exactly what they wrote.
public protocol NetMessage: Codable, Sendable {
    /// The name used in the schema fingerprint. Defaults to the type's name without module.
    static var messageName: String { get }

    /// Writes this message's bits.
    func encode(to writer: inout BitWriter) throws(WireError)

    /// Reads a message; must consume exactly what ``encode(to:)-(BitWriter)`` wrote.
    init(from reader: inout BitReader) throws(WireError)
}

extension NetMessage {
    public static var messageName: String { unqualifiedTypeName(Self.self) }

    public func encode(to writer: inout BitWriter) throws(WireError) {
        try WireEncoder(limits: writer.limits).encode(self, into: &writer)
    }

    public init(from reader: inout BitReader) throws(WireError) {
        self = try WireDecoder(limits: reader.limits).decode(Self.self, from: &reader)
    }
}
