import Synchronization

/// The message types two programs agree to exchange, each with a stable id, and the
/// ``SchemaFingerprint`` that proves both sides registered the same types with the same fields.
///
/// Ids follow registration order, so both programs must register the same types in the same
/// order; the fingerprint (checked during the handshake) catches any difference and its
/// ``schema`` description says which type or field differs.
public struct MessageRegistry: Sendable {
    private var ids: [ObjectIdentifier: UInt64] = [:]
    /// The registered types in id order: for ``id(of:)``'s scan, and each decoding itself
    /// (`init(from:)` called on the metatype is one witness call, where a closure per type
    /// cost a thunk, a context retain and release).
    private var messageTypes: [any NetMessage.Type] = []
    private var names: [String] = []
    /// The registered types' structure, one line per field; its hash is the fingerprint.
    public private(set) var schema = MessageSchema.empty

    /// Creates an empty registry.
    public init() {}

    /// Creates a registry of `types`, in order.
    public init(_ types: [any NetMessage.Type]) {
        // Describing a type's fields reflects over it, a twentieth of a client's connect on
        // loopback; the result depends on the types alone, so a process that connects again
        // (or hosts and joins) with the same list reuses it.
        let key = types.map { ObjectIdentifier($0) }
        if let built = Self.built.withLock({ $0[key] }) {
            self = built
            return
        }
        var lines: [String] = []
        for type in types {
            guard let id = register(type) else { continue }
            lines += SchemaReflector.lines(forMessage: type, id: id)
        }
        // Made once, with its text and fingerprint, not once a type.
        schema = MessageSchema(lines: lines)
        let registry = self
        Self.built.withLock { built in
            // Lists come from the program's code, so a few at most; the cap only bounds a
            // program that builds registries from generated lists.
            if built.count >= Self.maxBuilt { built.removeAll() }
            built[key] = registry
        }
    }

    /// Registries already built, by their type list.
    private static let built = Mutex<[[ObjectIdentifier]: MessageRegistry]>([:])
    private static let maxBuilt = 16

    /// Registers `type` with the next id and returns it; nil for a type already registered,
    /// which keeps its first id. The caller describes the type in ``schema``.
    private mutating func register(_ type: any NetMessage.Type) -> UInt64? {
        let key = ObjectIdentifier(type)
        guard ids[key] == nil else { return nil }
        let id = UInt64(messageTypes.count)
        ids[key] = id
        names.append(type.messageName)
        messageTypes.append(type)
        return id
    }

    /// The fingerprint of every registered type, in order.
    public var fingerprint: SchemaFingerprint { schema.fingerprint }

    /// Number of registered types.
    package var count: Int { messageTypes.count }

    /// The id of a registered type. Asked per message sent: a game registers a handful of
    /// types, and comparing that many words costs less than hashing one.
    package func id(of type: any NetMessage.Type) -> UInt64? {
        let key = ObjectIdentifier(type)
        guard messageTypes.count > Self.scannedTypes else {
            for index in messageTypes.indices where ObjectIdentifier(messageTypes[index]) == key {
                return UInt64(index)
            }
            return nil
        }
        return ids[key]
    }

    /// Up to this many registered types, ``id(of:)`` scans instead of hashing.
    private static let scannedTypes = 16

    /// Writes `message`'s id then its body.
    package func encode(_ message: any NetMessage, into writer: inout BitWriter) throws(WireError) {
        guard let id = id(of: type(of: message)) else {
            throw WireError(
                .unencodable("\(type(of: message).messageName) is not registered"), expected: "registered message",
                at: writer.bitCount)
        }
        writer.writeVarUInt(id)
        try message.encode(to: &writer)
    }

    /// Encodes `message`, whose type is registered as `id` (see ``id(of:)``), as a standalone
    /// byte string: for a sender that knows the type statically, so no existential is opened
    /// and no type looked up a second time.
    package func encode<Message: NetMessage>(_ message: Message, id: UInt64) throws(WireError) -> [UInt8] {
        var writer = BitWriter()
        try encode(message, id: id, into: &writer)
        return writer.finish()
    }

    /// Writes `message`, whose type is registered as `id`, into `writer`: for a sender that
    /// chooses how the bytes are kept (see ``BitWriter/finishMessage()``). Inlinable, so the
    /// caller's specialization writes the id and the fields in place.
    @inlinable
    package func encode<Message: NetMessage>(
        _ message: Message, id: UInt64, into writer: inout BitWriter
    ) throws(WireError) {
        writer.writeVarUInt(id)
        try message.encode(to: &writer)
    }

    /// Encodes `message` as a standalone byte string.
    public func encode(_ message: any NetMessage) throws(WireError) -> [UInt8] {
        var writer = BitWriter()
        try encode(message, into: &writer)
        return writer.finish()
    }

    /// Reads one message (id, then body) from `reader`.
    package func decode(from reader: inout BitReader) throws(WireError) -> any NetMessage {
        let start = reader.bitsRead
        let id = try reader.readVarUInt("message id")
        guard id < UInt64(messageTypes.count) else {
            throw WireError(.unknownMessageID(id), expected: "message id", at: start)
        }
        return try messageTypes[Int(id)].init(from: &reader)
    }

    /// Decodes a standalone message that must use every byte of `bytes`.
    public func decode(_ bytes: [UInt8]) throws(WireError) -> any NetMessage {
        try decode(bytes[...], limits: .default)
    }

    /// Decodes a standalone message that must use every byte of `bytes`, read in place.
    package func decode(_ bytes: ArraySlice<UInt8>, limits: WireLimits = .default) throws(WireError) -> any NetMessage {
        var reader = BitReader(bytes, limits: limits)
        let message: any NetMessage
        // An id below 128 (every game's, unless it registers more types) is a varint of one
        // byte, and its value: read where it lies, not through the reader's varint loop and
        // `decode(from:)`: about 68 instructions less a message received (callgrind).
        // The byte by index, not `first`: unspecialized (debug builds), the generic `first`
        // allocated.
        let first = bytes.isEmpty ? 0xFF : bytes[bytes.startIndex]
        if first < 0x80, Int(first) < messageTypes.count {
            reader.position = 8
            message = try messageTypes[Int(first)].init(from: &reader)
        } else {
            message = try decode(from: &reader)
        }
        try reader.expectEnd("end of \(type(of: message).messageName)")
        return message
    }
}
