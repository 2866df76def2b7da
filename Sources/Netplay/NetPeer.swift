import NetplayBase

/// A player in a session, as the game sees it: the host's local player (`host`) or one of
/// the clients connected to the host.
///
/// On the host, every remote player has the `PeerID` the handshake gave it, and the host's
/// own player is `host`. On a client, everything arrives from `host`: Netplay is a star,
/// clients talk only to the host, and the host relays what others should see.
public struct NetPeer: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The session id; `host` uses 0, which the protocol never gives a client.
    package let id: PeerID

    /// Wraps a peer id.
    package init(_ id: PeerID) { self.id = id }

    /// The host's own player, and on a client the host itself.
    public static let host = NetPeer(PeerID(rawValue: 0))

    /// Whether this is the host (or the host's local player).
    public var isHost: Bool { self == .host }

    public var description: String { isHost ? "host" : id.description }

    public init(from decoder: any Decoder) throws {
        id = PeerID(rawValue: try decoder.singleValueContainer().decode(UInt32.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id.rawValue)
    }
}

/// Who a host's message goes to.
public enum NetRecipients: Sendable, Hashable {
    /// Every connected client and the host's own player, who receives it through ``NetHost/poll()``
    /// like everyone else (so game code handles a message the same way wherever it runs).
    case everyone
    /// Every connected client and the host's own player, except one (typically the player
    /// whose action is being relayed).
    case everyoneExcept(NetPeer)
    /// One player (``NetPeer/host`` sends to the host's own player).
    case peer(NetPeer)

    /// Whether `peer` is among the recipients.
    func includes(_ peer: NetPeer) -> Bool {
        switch self {
        case .everyone: return true
        case .everyoneExcept(let excluded): return peer != excluded
        case .peer(let only): return peer == only
        }
    }
}
