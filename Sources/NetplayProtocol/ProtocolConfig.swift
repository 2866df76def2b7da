/// Which message schema a game speaks: a 16-byte fingerprint compared during the handshake,
/// and a readable description shown to the player when the fingerprints differ.
package struct SchemaIdentity: Sendable, Hashable {
    /// Bytes in a fingerprint.
    static let fingerprintBytes = 16

    /// A hash of the game's message types; equal fingerprints mean compatible builds.
    package let fingerprint: [UInt8]
    /// A short human-readable form of the schema, e.g. `"Move{x:Float,y:Float} Fire{…}"`.
    package let description: String

    /// Creates an identity. `fingerprint` must be exactly 16 bytes (a programming error otherwise).
    package init(fingerprint: [UInt8], description: String) {
        precondition(fingerprint.count == Self.fingerprintBytes, "a schema fingerprint is 16 bytes")
        self.fingerprint = fingerprint
        self.description = description
    }

    /// A placeholder for programs that do not check schemas: all-zero fingerprint.
    static let unchecked = SchemaIdentity(
        fingerprint: [UInt8](repeating: 0, count: fingerprintBytes), description: "unchecked")
}

/// Settings both ends of a connection must agree on, plus local limits and timers.
///
/// The defaults suit a small co-op game on a LAN or the internet.
package struct ProtocolConfig: Sendable {
    /// The anti-amplification floor and the smallest MTU the protocol works with: QUIC's
    /// minimum Initial datagram size (RFC 9000 §14.1), which every IPv6 path carries.
    static let minimumMTU = 1200

    /// Identifies the game (or program); datagrams with another id are dropped unanswered.
    package var protocolID: UInt32
    /// The game's name, from which ``protocolID`` is derived: a host names it when it refuses
    /// a client of another game, so the player learns what runs there.
    package var gameName: String
    /// The game's protocol version; a host denies clients with another one.
    package var protocolVersion: UInt32
    /// The game's message schema; a host denies clients with another fingerprint.
    package var schema: SchemaIdentity
    /// A secret players type to join (nil or empty: anyone may join). Never sent on the wire.
    package var joinCode: String?
    /// A connection (or handshake) ends after hearing nothing authentic for this long.
    package var timeout: Duration
    /// A connected endpoint sends a keepalive when it has sent nothing for this long.
    package var keepaliveInterval: Duration
    /// A client resends its `hello` or `response` this often until answered.
    var handshakeResendInterval: Duration
    /// How long a host's handshake cookie stays valid.
    var cookieLifetime: Duration
    /// Most peers a host serves at once.
    package var maxPeers: Int
    /// Most admitted peers a host keeps that have not yet sent their first connected packet.
    var maxPendingHandshakes: Int
    /// Most handshake replies (challenges, denials) a host queues between two drains; beyond
    /// it hellos are dropped, so a flood cannot grow memory when the driver falls behind.
    var maxQueuedHandshakeReplies: Int
    /// Largest datagram sent or accepted, in bytes (at least ``minimumMTU``).
    var mtu: Int

    /// Creates a configuration; `mtu` below ``minimumMTU`` is raised to it.
    package init(
        protocolID: UInt32,
        gameName: String = "",
        protocolVersion: UInt32 = 1,
        schema: SchemaIdentity = .unchecked,
        joinCode: String? = nil,
        timeout: Duration = .seconds(10),
        keepaliveInterval: Duration = .seconds(1),
        handshakeResendInterval: Duration = .milliseconds(250),
        cookieLifetime: Duration = .seconds(10),
        maxPeers: Int = 16,
        maxPendingHandshakes: Int = 16,
        maxQueuedHandshakeReplies: Int = 1024,
        mtu: Int = 1200
    ) {
        self.protocolID = protocolID
        self.gameName = gameName
        self.protocolVersion = protocolVersion
        self.schema = schema
        self.joinCode = joinCode
        self.timeout = timeout
        self.keepaliveInterval = keepaliveInterval
        self.handshakeResendInterval = handshakeResendInterval
        self.cookieLifetime = cookieLifetime
        self.maxPeers = maxPeers
        self.maxPendingHandshakes = maxPendingHandshakes
        self.maxQueuedHandshakeReplies = maxQueuedHandshakeReplies
        self.mtu = max(mtu, Self.minimumMTU)
    }

    /// Largest payload ``HostEndpoint/send(payload:to:)`` accepts: the MTU less the connected
    /// header, the authentication tag and the payload frame's type byte and length varint.
    package var maxPayloadBytes: Int {
        mtu - ConnectedPacket.overheadBytes - Frame.payloadOverheadBytes
    }
}
