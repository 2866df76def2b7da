import NetplayBase
import NetplayWire

/// The handshake packets, each encoded and parsed in one place. Offsets and sizes are in
/// `docs/PROTOCOL-handshake-draft.md`; all integers are little-endian.
///
/// Parsers return nil on any short or inconsistent input; callers count that as `.malformed`.

/// Client → host: `type, protocolID, version, clientKey, clientNonce, fingerprint`, zero-padded.
package struct HelloPacket: Sendable, Hashable {
    package var protocolID: UInt32
    package var version: UInt32
    package var clientPublicKey: [UInt8]
    package var clientNonce: [UInt8]
    package var fingerprint: [UInt8]

    package func encoded() -> [UInt8] {
        var writer = BitWriter(capacity: FieldSize.handshakeFloor)
        writer.writeFixed(PacketType.hello.rawValue)
        writer.writeFixed(protocolID)
        writer.writeFixed(version)
        writer.writeRawBytes(clientPublicKey)
        writer.writeRawBytes(clientNonce)
        writer.writeRawBytes(fingerprint)
        writer.padToByteCount(FieldSize.handshakeFloor)
        return writer.finish()
    }

    package init(
        protocolID: UInt32, version: UInt32, clientPublicKey: [UInt8], clientNonce: [UInt8], fingerprint: [UInt8]
    ) {
        self.protocolID = protocolID
        self.version = version
        self.clientPublicKey = clientPublicKey
        self.clientNonce = clientNonce
        self.fingerprint = fingerprint
    }

    package init?(_ bytes: [UInt8]) {
        var reader = BitReader(bytes)
        guard reader.bytes(1) == [PacketType.hello.rawValue],
            let protocolID = reader.u32(), let version = reader.u32(),
            let key = reader.bytes(FieldSize.publicKey), let nonce = reader.bytes(FieldSize.clientNonce),
            let fingerprint = reader.bytes(SchemaIdentity.fingerprintBytes)
        else { return nil }
        self.init(
            protocolID: protocolID, version: version, clientPublicKey: key, clientNonce: nonce, fingerprint: fingerprint
        )
    }
}

/// Host → client: `type, protocolID, clientNonce, timestamp, cookie, hostKey` (77 bytes).
package struct ChallengePacket: Sendable, Hashable {
    package static let byteCount =
        1 + 4 + FieldSize.clientNonce + FieldSize.timestamp + FieldSize.cookie + FieldSize.publicKey

    package var protocolID: UInt32
    var clientNonce: [UInt8]
    package var timestamp: UInt64
    package var cookie: [UInt8]
    package var hostPublicKey: [UInt8]

    package func encoded() -> [UInt8] {
        var writer = BitWriter(capacity: Self.byteCount)
        writer.writeFixed(PacketType.challenge.rawValue)
        writer.writeFixed(protocolID)
        writer.writeRawBytes(clientNonce)
        writer.writeFixed(timestamp)
        writer.writeRawBytes(cookie)
        writer.writeRawBytes(hostPublicKey)
        return writer.finish()
    }

    package init(protocolID: UInt32, clientNonce: [UInt8], timestamp: UInt64, cookie: [UInt8], hostPublicKey: [UInt8]) {
        self.protocolID = protocolID
        self.clientNonce = clientNonce
        self.timestamp = timestamp
        self.cookie = cookie
        self.hostPublicKey = hostPublicKey
    }

    package init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        var reader = BitReader(bytes)
        guard reader.bytes(1) == [PacketType.challenge.rawValue], let protocolID = reader.u32(),
            let nonce = reader.bytes(FieldSize.clientNonce), let timestamp = reader.u64(),
            let cookie = reader.bytes(FieldSize.cookie), let key = reader.bytes(FieldSize.publicKey)
        else { return nil }
        self.init(protocolID: protocolID, clientNonce: nonce, timestamp: timestamp, cookie: cookie, hostPublicKey: key)
    }
}

/// Client → host: the hello's fields, the echoed timestamp and cookie, then the key-confirmation
/// tag over all of them; zero-padded to the floor like the hello.
package struct ResponsePacket: Sendable, Hashable {
    /// Bytes before the confirmation tag (the tag's associated data).
    static let fieldsByteCount =
        1 + 4 + 4 + FieldSize.publicKey + FieldSize.clientNonce
        + SchemaIdentity.fingerprintBytes + FieldSize.timestamp + FieldSize.cookie
    /// Bytes a parser reads at most: the fields, the tag and a rejoin seat (marker and id).
    /// The rest is padding, which no parser reads; a `hello`'s fields are fewer.
    static let contentByteCount = fieldsByteCount + FieldSize.tag + 1 + 4

    var hello: HelloPacket
    package var timestamp: UInt64
    package var cookie: [UInt8]
    package var confirmationTag: [UInt8]
    /// Host migration: the seat this client held in the session whose host left (nil for an
    /// ordinary join). Carried in the padding after the tag, so a host that does not take over
    /// sessions ignores it; the tag proves it, since the client derived its keys from the
    /// seat's rejoin code (see `Rejoin`).
    package var rejoinAs: PeerID?

    /// The fields the confirmation tag authenticates.
    package var fields: [UInt8] {
        var writer = BitWriter(capacity: Self.fieldsByteCount)
        writer.writeFixed(PacketType.response.rawValue)
        writer.writeFixed(hello.protocolID)
        writer.writeFixed(hello.version)
        writer.writeRawBytes(hello.clientPublicKey)
        writer.writeRawBytes(hello.clientNonce)
        writer.writeRawBytes(hello.fingerprint)
        writer.writeFixed(timestamp)
        writer.writeRawBytes(cookie)
        return writer.finish()
    }

    package func encoded() -> [UInt8] {
        var bytes = fields + confirmationTag
        if let rejoinAs {
            var writer = BitWriter(capacity: 5)
            writer.writeFixed(Rejoin.marker)
            writer.writeFixed(rejoinAs.rawValue)
            bytes += writer.finish()
        }
        bytes += [UInt8](repeating: 0, count: max(0, FieldSize.handshakeFloor - bytes.count))
        return bytes
    }

    package init(
        hello: HelloPacket, timestamp: UInt64, cookie: [UInt8], confirmationTag: [UInt8], rejoinAs: PeerID? = nil
    ) {
        self.hello = hello
        self.timestamp = timestamp
        self.cookie = cookie
        self.confirmationTag = confirmationTag
        self.rejoinAs = rejoinAs
    }

    package init?(_ bytes: [UInt8]) {
        var reader = BitReader(bytes)
        guard reader.bytes(1) == [PacketType.response.rawValue],
            let protocolID = reader.u32(), let version = reader.u32(),
            let key = reader.bytes(FieldSize.publicKey), let nonce = reader.bytes(FieldSize.clientNonce),
            let fingerprint = reader.bytes(SchemaIdentity.fingerprintBytes),
            let timestamp = reader.u64(), let cookie = reader.bytes(FieldSize.cookie),
            let tag = reader.bytes(FieldSize.tag)
        else { return nil }
        let hello = HelloPacket(
            protocolID: protocolID, version: version, clientPublicKey: key, clientNonce: nonce, fingerprint: fingerprint
        )
        var rejoinAs: PeerID?
        if reader.bytes(1) == [Rejoin.marker], let raw = reader.u32() { rejoinAs = PeerID(rawValue: raw) }
        self.init(hello: hello, timestamp: timestamp, cookie: cookie, confirmationTag: tag, rejoinAs: rejoinAs)
    }
}

/// Host → client: `type, peerID, tag` (21 bytes); the tag proves the host derived the same keys.
package struct AcceptedPacket: Sendable, Hashable {
    static let headerByteCount = 1 + 4
    package static let byteCount = headerByteCount + FieldSize.tag

    var peerID: PeerID

    package var header: [UInt8] {
        var writer = BitWriter(capacity: Self.headerByteCount)
        writer.writeFixed(PacketType.accepted.rawValue)
        writer.writeFixed(peerID.rawValue)
        return writer.finish()
    }

    package func encoded(keys: SessionKeys) -> [UInt8] {
        header + keys.acceptanceTag(header: header)
    }

    /// The peer id, if `bytes` is an accepted packet sealed with `keys`.
    package static func open(_ bytes: [UInt8], keys: SessionKeys) -> PeerID? {
        guard bytes.count == byteCount else { return nil }
        var reader = BitReader(bytes)
        guard reader.bytes(1) == [PacketType.accepted.rawValue], let raw = reader.u32() else { return nil }
        let packet = AcceptedPacket(peerID: PeerID(rawValue: raw))
        let tag = Array(bytes[headerByteCount...])
        return constantTimeEqual(tag, keys.acceptanceTag(header: packet.header)) ? packet.peerID : nil
    }
}
