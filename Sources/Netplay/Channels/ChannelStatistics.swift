/// How one peer's connection is doing, as the channel layer measures it. Cheap to read every
/// frame: a handful of numbers and one entry per channel.
public struct ChannelStatistics: Sendable, Hashable {
    /// Lifetime counts.
    public struct Totals: Sendable, Hashable {
        /// Payloads sent (ack-only ones included).
        public var packetsSent = 0
        /// Payload bytes sent.
        public var bytesSent = 0
        /// Payloads received, whatever became of them.
        public var packetsReceived = 0
        /// Payload bytes received.
        public var bytesReceived = 0
        /// Payloads carrying messages that the peer acknowledged.
        public var packetsAcked = 0
        /// Payloads carrying messages declared lost after a retransmission timeout.
        public var packetsLost = 0
        /// Reliable pieces (whole messages or fragments) sent again.
        public var resentPieces = 0
    }

    /// Send-queue depth of one channel.
    public struct QueueDepth: Sendable, Hashable {
        /// The channel.
        public var channel: ChannelID
        /// Messages queued, plus (reliable channels) sent but not yet acknowledged.
        public var messages: Int
        /// Their bytes; ``ChannelConfig/maxQueuedBytesPerChannel`` bounds it.
        public var bytes: Int
    }

    /// Smoothed round-trip time (RFC 6298 SRTT), zero before the first sample.
    public var smoothedRoundTrip: Duration
    /// Smallest round trip measured: the path's delay without queueing.
    public var minimumRoundTrip: Duration
    /// The most recent sample.
    public var latestRoundTrip: Duration
    /// Smoothed mean deviation of the round trip (RFC 6298 RTTVAR): the jitter.
    public var roundTripVariation: Duration
    /// Current retransmission timeout, backoff included.
    public var retransmissionTimeout: Duration
    /// Recent fraction (about the last 128 payloads) of this end's payloads lost on the way
    /// to the peer. Lost acknowledgements count too; they are rare, since every payload
    /// repeats the last 33.
    public var packetLossSent: Double
    /// Recent fraction (about the last 128 sequences) of the peer's payloads that never
    /// arrived.
    public var packetLossReceived: Double
    /// Payload bytes sent per second, over the last whole second.
    public var bytesSentPerSecond: Double
    /// Payload bytes received per second, over the last whole second.
    public var bytesReceivedPerSecond: Double
    /// Payloads sent per second, over the last whole second.
    public var packetsSentPerSecond: Double
    /// Payloads received per second, over the last whole second.
    public var packetsReceivedPerSecond: Double
    /// Congestion window: bytes the endpoint may have in flight.
    public var congestionWindowBytes: Int
    /// Bytes sent and not yet acknowledged or declared lost.
    public var bytesInFlight: Int
    /// Bytes held for the peer (out-of-order, reassembly, undrained deliveries).
    public var receiveBufferedBytes: Int
    /// Lifetime counts.
    public var totals: Totals
    /// One entry per channel of the layout.
    public var queues: [QueueDepth]
    /// Payloads and pieces dropped, by reason.
    public var drops: ChannelDropCounters
}

/// What the channel layer refused or discarded, by reason. A rising count on a healthy link
/// means a misbehaving or hostile peer.
public struct ChannelDropCounters: Sendable, Hashable {
    /// Payloads that failed to parse (truncated, unknown channel, bad fragment header…).
    public var malformedPayloads = 0
    /// Payloads larger than ``ChannelConfig/maxPayloadBytes``.
    public var oversizedPayloads = 0
    /// Payloads whose sequence was already received (network duplicates).
    public var duplicatePackets = 0
    /// Payloads too old for the receive window.
    public var stalePackets = 0
    /// Payloads refused unacknowledged because the receive buffer was full.
    public var refusedReceiveBufferFull = 0
    /// Payloads refused because a reliable piece was beyond the reorder window.
    public var refusedBeyondWindow = 0
    /// Reliable pieces already held (a resend that crossed its acknowledgement).
    public var duplicatePieces = 0
    /// Sequenced messages older than one already delivered.
    public var staleSequenced = 0
    /// Fragments disagreeing with their message's count, repeated, or over the size limit.
    public var inconsistentFragments = 0
    /// Unreliable messages dropped because a fragment did not arrive in time.
    public var unreliableReassemblyTimeouts = 0
    /// Unreliable partial messages pushed out by newer ones.
    public var unreliableReassemblyEvictions = 0
    /// Unreliable messages dropped because the receive buffer was full.
    public var unreliableBufferFull = 0

    /// Creates zeroed counters.
    public init() {}

    /// Every drop counted.
    public var total: Int {
        malformedPayloads + oversizedPayloads + duplicatePackets + stalePackets + refusedReceiveBufferFull
            + refusedBeyondWindow + duplicatePieces + staleSequenced + inconsistentFragments
            + unreliableReassemblyTimeouts + unreliableReassemblyEvictions + unreliableBufferFull
    }
}
