import NetplayChannels
import NetplayProtocol

/// One connection's figures, cheap enough to read every frame (for a ping display or a
/// "bad connection" warning).
public struct PeerStatistics: Sendable, Hashable {
    /// Round-trip time, loss, bandwidth and queue depth, as the channel layer measures them.
    package var channels: ChannelStatistics
    /// Datagrams this endpoint dropped, by reason (bad MAC, replay, unknown peer, …). A host
    /// counts drops for all its peers together: before authentication a datagram's peer is unknown.
    package var drops: DropCounters
    /// Messages accepted by the channel layer for this peer.
    public var messagesSent: Int { messages.sent }
    /// Messages received from this peer and decoded.
    public var messagesReceived: Int { messages.received }
    /// Messages the channel layer refused after `send` accepted them (too large once framed,
    /// for instance); they were not sent.
    public var messagesDropped: Int { messages.dropped }
    /// Messages from this peer that did not decode into a registered type (a buggy or
    /// mismatched peer); they were discarded.
    public var malformedMessages: Int { messages.malformed }

    /// The smoothed round-trip time; zero until the first measurement.
    public var roundTripTime: Duration { channels.smoothedRoundTrip }
    /// The fraction of this side's packets that the peer has not acknowledged (0…1), over the
    /// recent window the channel layer measures.
    public var packetLoss: Double { channels.packetLossSent }
    /// Bytes per second sent to this peer, headers and resends included.
    public var bytesSentPerSecond: Double { channels.bytesSentPerSecond }
    /// Bytes per second received from this peer.
    public var bytesReceivedPerSecond: Double { channels.bytesReceivedPerSecond }

    var messages: MessageCounters
}

/// What the API layer counts per peer.
struct MessageCounters: Sendable, Hashable {
    var sent = 0
    var received = 0
    var dropped = 0
    var malformed = 0
}
