/// A message that crosses the network.
///
/// Any `Codable` struct or enum becomes one with no extra code; it is then encoded by the
/// compact binary coder (no field names, varints, presence bits):
/// ```swift
/// struct Chat: NetMessage { var from: String; var text: String }
/// ```
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
    public static var messageName: String { String(describing: Self.self) }

    public func encode(to writer: inout BitWriter) throws(WireError) {
        try WireEncoder().encode(self, into: &writer)
    }

    public init(from reader: inout BitReader) throws(WireError) {
        self = try WireDecoder(limits: reader.limits).decode(Self.self, from: &reader)
    }
}
