/// Why a value could not be read from (or written to) the wire.
///
/// Reading is total: every read of short, corrupt or hostile input ends in a `WireError`
/// that says what was expected and at which bit, never in a trap or an unbounded allocation.
public struct WireError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Hashable, Sendable {
        /// The input ended; `neededBits` more were required.
        case endOfData(neededBits: Int)
        /// A length or count exceeded its cap (or the bytes left in the input).
        case lengthTooLarge(length: UInt64, limit: Int)
        /// A varint used more groups than its type allows, or overflowed it.
        case malformedVarint
        /// A value was outside the range the format allows (e.g. a quantized step past the top).
        case valueOutOfRange
        /// String bytes were not valid UTF-8.
        case invalidUTF8
        /// Values nested deeper than the nesting limit (32 by default).
        case nestingTooDeep(limit: Int)
        /// An enum case or coding key that this program does not know.
        case unknownKey(String)
        /// A message id that no registered type has.
        case unknownMessageID(UInt64)
        /// Bytes were left over after the value (a length mismatch or padding tampering).
        case trailingData(bits: Int)
        /// A value cannot be encoded in this format (e.g. a string longer than its cap).
        case unencodable(String)
        /// The Codable implementation asked for something the binary format does not support.
        case unsupported(String)
    }

    /// What went wrong.
    public var kind: Kind
    /// What the reader was trying to read, e.g. `"string length"` or `"Move.x"`.
    public var expected: String
    /// The bit offset in the input where the read started.
    public var bitOffset: Int

    /// Creates an error.
    public init(_ kind: Kind, expected: String, at bitOffset: Int) {
        self.kind = kind
        self.expected = expected
        self.bitOffset = bitOffset
    }

    public var description: String {
        "wire error at bit \(bitOffset) reading \(expected): \(kind)"
    }
}
