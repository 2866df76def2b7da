/// One connection's figures, cheap enough to read every frame (for a ping display or a
/// "bad connection" warning).
public struct PeerStatistics: Sendable, Hashable {
    /// Round-trip time, loss, bandwidth and queue depth, as the channel layer measures them.
    public var channels: ChannelStatistics
    /// Datagrams this endpoint dropped, by reason (bad MAC, replay, unknown peer, …). A host
    /// counts drops for all its peers together: before authentication a datagram's peer is unknown.
    public var drops: DropCounters
    /// Messages accepted by the channel layer for this peer.
    public var messagesSent = 0
    /// Messages received from this peer and decoded.
    public var messagesReceived = 0
    /// Messages the channel layer refused after ``NetHost/send(_:on:to:)`` accepted them
    /// (too large once framed, for instance); they were not sent.
    public var messagesDropped = 0
    /// Messages from this peer that did not decode into a registered type (a buggy or
    /// mismatched peer); they were discarded.
    public var malformedMessages = 0

    /// The round-trip time, if measured yet.
    public var roundTripTime: Duration? { channels.roundTripTime }
}
