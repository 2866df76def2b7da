import NetplayChannels

/// The two channels every session reserves for replication, after the four a game names
/// with ``NetChannel``: snapshots and input packets travel on the unreliable one (a lost
/// snapshot is repaired by the next delta, inputs repeat themselves), the welcome that tells
/// a client which entities are its own on the reliable one. Their bytes are the replication
/// layer's own formats, never the message registry's, so game code never sees them.
enum ReplicationChannels {
    /// Snapshots (host → client) and input packets (client → host).
    static let state = ChannelID(4)
    /// The welcome: a client's participant id, sent once when it joins.
    static let control = ChannelID(5)

    /// Host migration's succession list (host → clients) shares the control channel with the
    /// welcome and the roster (``ControlMessage`` tells them apart). (A seventh channel would cost every tick a lane to
    /// walk, for a message sent when players come and go.)
    static let succession = control

    /// The layout of every session: the four game channels, then the two above.
    static let layout = ChannelLayout(ChannelLayout.standard.kinds + [.unreliable, .reliableOrdered])

    /// Whether `channel` carries replication rather than game messages.
    static func carries(_ channel: ChannelID) -> Bool { channel.index >= state.index }
}

/// The three messages that share ``ReplicationChannels/control``, told apart in one place: a
/// welcome is exactly four bytes; the others by their first byte.
enum ControlMessage {
    case welcome
    case roster
    case succession
    case unknown

    init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    init(_ bytes: ArraySlice<UInt8>) {
        if bytes.count == Welcome.byteCount {
            self = .welcome
        } else if bytes.first == Roster.marker {
            self = .roster
        } else if bytes.first == Succession.marker {
            self = .succession
        } else {
            self = .unknown
        }
    }
}

/// Bytes that arrived on a replication channel, or a peer coming or going, for a ``NetWorld``
/// to take on the game's thread.
enum ReplicationDelivery: Sendable {
    case bytes([UInt8], channel: ChannelID, from: NetPeer)
    case joined(NetPeer)
    case left(NetPeer)
    /// Another player took over as host (host migration); this one, if the session hosts now.
    case hostChanged
}
