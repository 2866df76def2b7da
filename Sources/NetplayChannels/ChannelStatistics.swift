/// How one peer's connection is doing, as the channel layer measures it. Cheap to read every
/// frame: a handful of numbers and one entry per channel.
package struct ChannelStatistics: Sendable, Hashable {
    /// Lifetime counts.
    package struct Totals: Sendable, Hashable {
        /// Payloads sent (ack-only ones included).
        var packetsSent = 0
        /// Payload bytes sent.
        package var bytesSent = 0
        /// Payloads received, whatever became of them.
        var packetsReceived = 0
        /// Payload bytes received.
        package var bytesReceived = 0
        /// Payloads carrying messages that the peer acknowledged.
        var packetsAcked = 0
        /// Payloads carrying messages lost for good: declared lost, and no ack came later.
        var packetsLost = 0
        /// Payloads declared lost whose ack then arrived after all (resent for nothing, but
        /// not lost, so not counted in ``packetsLost``).
        var spuriousLosses = 0
        /// Reliable pieces (whole messages or fragments) sent again.
        var resentPieces = 0
    }

    /// The lifetime counts an endpoint keeps itself: what became of the packets it sent. (The
    /// packets and bytes sent and received are its rate meters'; a whole ``Totals`` kept
    /// beside them held 32 bytes a peer that nothing wrote.)
    package struct SendOutcomes: Sendable, Hashable {
        /// See ``Totals/packetsAcked``.
        var packetsAcked = 0
        /// See ``Totals/packetsLost``.
        var packetsLost = 0
        /// See ``Totals/spuriousLosses``.
        var spuriousLosses = 0
        /// See ``Totals/resentPieces``.
        var resentPieces = 0
    }

    /// Send-queue depth of one channel.
    package struct QueueDepth: Sendable, Hashable {
        /// The channel.
        package var channel: ChannelID
        /// Messages queued, plus (reliable channels) sent but not yet acknowledged.
        package var messages: Int
        /// Their bytes. ``ChannelConfig/maxQueuedBytesPerChannel`` bounds their charge, each
        /// 64 bytes at least (``MessageBytes/minimumQueueCharge``): small messages
        /// fill it at a quarter of these bytes or less.
        package var bytes: Int
    }

    /// Smoothed round-trip time (RFC 6298 SRTT), zero before the first sample.
    package var smoothedRoundTrip: Duration
    /// Smallest round trip measured: the path's delay without queueing.
    var minimumRoundTrip: Duration
    /// The most recent sample.
    var latestRoundTrip: Duration
    /// Smoothed mean deviation of the round trip (RFC 6298 RTTVAR): the jitter.
    var roundTripVariation: Duration
    /// Current retransmission timeout, backoff included.
    var retransmissionTimeout: Duration
    /// Recent fraction (about the last 128 payloads) of this end's payloads lost on the way
    /// to the peer. Lost acknowledgements count too; they are rare, since every payload
    /// repeats the last 33.
    package var packetLossSent: Double
    /// Recent fraction (about the last 128 sequences) of the peer's payloads that never
    /// arrived.
    var packetLossReceived: Double
    /// Payload bytes sent per second, over the last whole second.
    package var bytesSentPerSecond: Double
    /// Payload bytes received per second, over the last whole second.
    package var bytesReceivedPerSecond: Double
    /// Payloads sent per second, over the last whole second.
    var packetsSentPerSecond: Double
    /// Payloads received per second, over the last whole second.
    var packetsReceivedPerSecond: Double
    /// Congestion window: bytes the endpoint may have in flight.
    var congestionWindowBytes: Int
    /// Bytes sent and not yet acknowledged or declared lost.
    var bytesInFlight: Int
    /// Bytes held for the peer (out-of-order, reassembly, undrained deliveries).
    var receiveBufferedBytes: Int
    /// Lifetime counts.
    var totals: Totals
    /// One entry per channel of the layout.
    package var queues: [QueueDepth]
    /// Payloads and pieces dropped, by reason.
    package var drops: ChannelDropCounters
}

/// What the channel layer refused or discarded, by reason. A rising count on a healthy link
/// means a misbehaving or hostile peer.
package struct ChannelDropCounters: Sendable, Hashable {
    /// Payloads that failed to parse (truncated, unknown channel, bad fragment header…).
    var malformedPayloads = 0
    /// Payloads larger than ``ChannelConfig/maxPayloadBytes``.
    var oversizedPayloads = 0
    /// Payloads whose sequence was already received (network duplicates).
    var duplicatePackets = 0
    /// Payloads too old for the receive window.
    var stalePackets = 0
    /// Payloads refused unacknowledged because the receive buffer was full.
    var refusedReceiveBufferFull = 0
    /// Payloads refused because a reliable piece was beyond the reorder window.
    var refusedBeyondWindow = 0
    /// Reliable pieces already held (a resend that crossed its acknowledgement).
    var duplicatePieces = 0
    /// Sequenced messages older than one already delivered.
    var staleSequenced = 0
    /// Fragments disagreeing with their message's count, repeated, or over the size limit.
    var inconsistentFragments = 0
    /// Unreliable messages dropped because a fragment did not arrive in time.
    var unreliableReassemblyTimeouts = 0
    /// Unreliable partial messages pushed out by newer ones.
    var unreliableReassemblyEvictions = 0
    /// Unreliable messages dropped because the receive buffer was full.
    var unreliableBufferFull = 0

    /// Creates zeroed counters.
    package init() {}

    /// Every drop counted.
    package var total: Int {
        malformedPayloads + oversizedPayloads + duplicatePackets + stalePackets + refusedReceiveBufferFull
            + refusedBeyondWindow + duplicatePieces + staleSequenced + inconsistentFragments
            + unreliableReassemblyTimeouts + unreliableReassemblyEvictions + unreliableBufferFull
    }
}
