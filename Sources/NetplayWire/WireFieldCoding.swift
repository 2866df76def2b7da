/// A message whose stored properties can be coded one at a time, which is what replication
/// needs to send only the fields of an entity's state that changed.
///
/// `@NetMessage` conforms a struct to it; there is nothing to write by hand. Field `i` is
/// the `i`-th stored property in declaration order, coded exactly as in
/// ``NetMessage/encode(to:)-(BitWriter)``, so the fields written one after another are
/// the message.
public protocol WireFieldCoding: NetMessage {
    /// How many fields ``encode(field:to:)`` and ``init(fields:)`` code.
    static var wireFieldCount: Int { get }

    /// Writes field `index` (0..<``wireFieldCount``).
    func encode(field index: Int, to writer: inout BitWriter) throws(WireError)

    /// Reads the fields in order, each from the reader `source` hands out for it.
    init<Source: WireFieldSource>(fields source: inout Source) throws(WireError)
}

/// Hands a generated per-field decoder the bits of each field in turn: from the packet, or
/// (for replication's deltas) from a baseline the receiver already holds.
public protocol WireFieldSource {
    /// Runs `read` on the bits of the next field and returns what it read.
    mutating func field<Value>(_ read: (inout BitReader) throws(WireError) -> Value) throws(WireError) -> Value
}
