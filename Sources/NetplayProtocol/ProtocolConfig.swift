import NetplayBase

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
    /// A client rejoining a session whose host left, at the player who took over: the seat it
    /// held. ``joinCode`` then holds that seat's rejoin code (see `Rejoin`).
    package var rejoinAs: PeerID?
    /// A handshake gives up after hearing nothing from the host for this long.
    package var timeout: Duration
    /// A connected peer silent this long is *interrupted* (reported once, so a game can show
    /// "reconnecting…"); keepalives go on probing, and its first authentic packet resumes it.
    package var interruptAfter: Duration
    /// A connected peer silent this long is gone for good (`timedOut`): the seat it kept
    /// through an interruption is given up.
    package var resumeGrace: Duration
    /// A gap this long between two ``HostEndpoint/update(now:)`` (or client) calls means this
    /// process was paused (a debugger, SIGSTOP, a suspended laptop): the silence was ours, so
    /// every peer's timers restart instead of all timing out at once.
    package var pauseThreshold: Duration
    /// A connected endpoint sends a keepalive when it has sent nothing for this long. Well
    /// under ``interruptAfter``, so an idle but healthy link is never taken for an outage.
    package var keepaliveInterval: Duration
    /// A client resends its `hello` or `response` this often until answered.
    var handshakeResendInterval: Duration
    /// How long a host's handshake cookie stays valid.
    var cookieLifetime: Duration
    /// Most peers a host serves at once. Admitted peers not yet heard from (pending) take a
    /// seat only until a confirmed player needs it: the oldest pending peer is evicted first.
    package var maxPeers: Int
    /// Most admitted peers a host keeps that have not yet sent their first connected packet;
    /// a new admission beyond it evicts the oldest.
    var maxPendingHandshakes: Int
    /// How long an admitted peer may stay pending (no authentic connected packet yet) before
    /// the host forgets it. A real client answers `accepted` within one round trip, and
    /// resends its keepalive every ``keepaliveInterval``; a half-open attacker's seat lasts
    /// no longer than this.
    var pendingTimeout: Duration
    /// The youngest a pending peer may be when it is evicted to make room: a real client
    /// confirms within a round trip and resends its confirmation every
    /// ``handshakeResendInterval``, so this covers a slow link or a busy machine. Younger,
    /// the newcomer's response is dropped (`seatsBusy`) and its client's resend tries again.
    var pendingEvictionAge: Duration
    /// Most confirmed peers from one ``PeerAddress/source`` (one IP, or one IPv6 /64); a
    /// further client from it is denied with `tooManyFromAddress`.
    package var maxPeersPerSource: Int
    /// Most pending peers from one source; a new admission beyond it evicts that source's
    /// oldest pending peer, so one source can never hold more than this many seats half open.
    package var maxPendingPerSource: Int
    /// Handshake packets (`hello`, `response`) a source may send per second, after
    /// ``handshakeBurstPerSource``; checked before any cryptography, queueing or reply.
    package var handshakeRatePerSource: Double
    /// Handshake packets a source may send at once (its token bucket's depth).
    package var handshakeBurstPerSource: Double
    /// Sources whose token buckets the host remembers; beyond it the longest-idle is forgotten.
    var maxTrackedSources: Int
    /// Answered responses remembered (by cookie) so a replay gets the same answer without a
    /// key exchange; the oldest is forgotten first, and every entry after ``cookieLifetime``.
    var maxAnsweredResponses: Int
    /// Handshake packets a deferring host (see ``HostEndpoint/defersHandshakes``) holds until
    /// its next ``HostEndpoint/serviceHandshakes(now:)``; beyond it they are dropped.
    var maxDeferredHandshakes: Int
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
        interruptAfter: Duration = .seconds(1),
        resumeGrace: Duration = .seconds(30),
        pauseThreshold: Duration = .seconds(3),
        keepaliveInterval: Duration = .milliseconds(250),
        handshakeResendInterval: Duration = .milliseconds(250),
        cookieLifetime: Duration = .seconds(10),
        maxPeers: Int = 16,
        maxPendingHandshakes: Int = 16,
        pendingTimeout: Duration = .seconds(2),
        pendingEvictionAge: Duration = .seconds(1),
        maxPeersPerSource: Int = ProtocolConfig.defaultMaxPeersPerSource,
        maxPendingPerSource: Int = ProtocolConfig.defaultMaxPendingPerSource,
        handshakeRatePerSource: Double = ProtocolConfig.defaultHandshakeRatePerSource,
        handshakeBurstPerSource: Double = ProtocolConfig.defaultHandshakeBurstPerSource,
        maxTrackedSources: Int = 4096,
        maxAnsweredResponses: Int = 1024,
        maxDeferredHandshakes: Int = 256,
        maxQueuedHandshakeReplies: Int = 1024,
        mtu: Int = 1200
    ) {
        self.protocolID = protocolID
        self.gameName = gameName
        self.protocolVersion = protocolVersion
        self.schema = schema
        self.joinCode = joinCode
        self.timeout = timeout
        self.interruptAfter = interruptAfter
        self.resumeGrace = resumeGrace
        self.pauseThreshold = pauseThreshold
        self.keepaliveInterval = keepaliveInterval
        self.handshakeResendInterval = handshakeResendInterval
        self.cookieLifetime = cookieLifetime
        self.maxPeers = maxPeers
        self.maxPendingHandshakes = maxPendingHandshakes
        self.pendingTimeout = pendingTimeout
        self.pendingEvictionAge = pendingEvictionAge
        self.maxPeersPerSource = maxPeersPerSource
        self.maxPendingPerSource = maxPendingPerSource
        self.handshakeRatePerSource = handshakeRatePerSource
        self.handshakeBurstPerSource = handshakeBurstPerSource
        self.maxTrackedSources = maxTrackedSources
        self.maxAnsweredResponses = maxAnsweredResponses
        self.maxDeferredHandshakes = maxDeferredHandshakes
        self.maxQueuedHandshakeReplies = maxQueuedHandshakeReplies
        self.mtu = max(mtu, Self.minimumMTU)
    }

    /// 8 players behind one NAT (a LAN party joining a host on the internet) all get in,
    /// while one address can take at most half of a default 16-seat host.
    package static let defaultMaxPeersPerSource = 8
    /// Enough for several players of one LAN party to be mid-handshake at once (each is
    /// pending for about one round trip).
    package static let defaultMaxPendingPerSource = 4
    /// A client sends two handshake packets (hello, response) plus a resend every 250 ms
    /// when one is lost: 10 per second covers five players of one NAT connecting at once,
    /// and caps what one source can make the host compute at 10 key exchanges per second.
    package static let defaultHandshakeRatePerSource = 10.0
    /// Eight players behind one NAT, two packets each, all at once.
    package static let defaultHandshakeBurstPerSource = 16.0

    /// Largest payload ``HostEndpoint/send(payload:to:)`` accepts: the MTU less the connected
    /// header, the authentication tag and the payload frame's type byte and length varint.
    package var maxPayloadBytes: Int {
        mtu - ConnectedPacket.overheadBytes - Frame.payloadOverheadBytes
    }
}
