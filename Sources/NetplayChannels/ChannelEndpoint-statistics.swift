extension ChannelEndpoint {
    /// Round trip, loss, rates, queues and drops, as of the last call that took a `now`.
    package var statistics: ChannelStatistics {
        let totals = ChannelStatistics.Totals(
            packetsSent: sentRate.totalPackets, bytesSent: sentRate.totalBytes,
            packetsReceived: receivedRate.totalPackets, bytesReceived: receivedRate.totalBytes,
            packetsAcked: counters.packetsAcked, packetsLost: counters.packetsLost,
            spuriousLosses: counters.spuriousLosses, resentPieces: counters.resentPieces)
        var drops = drops
        drops.unreliableReassemblyEvictions = lanes.reduce(0) { $0 + ($1.unreliableIn?.evicted ?? 0) }
        return ChannelStatistics(
            smoothedRoundTrip: .nanoseconds(roundTrip.smoothed ?? 0),
            minimumRoundTrip: .nanoseconds(roundTrip.smoothed == nil ? 0 : roundTrip.minimum),
            latestRoundTrip: .nanoseconds(roundTrip.latest),
            roundTripVariation: .nanoseconds(roundTrip.variation),
            retransmissionTimeout: .nanoseconds(roundTrip.retransmissionTimeout),
            packetLossSent: sentLossAverage,
            packetLossReceived: received.lossAverage,
            bytesSentPerSecond: sentRate.bytesPerSecond,
            bytesReceivedPerSecond: receivedRate.bytesPerSecond,
            packetsSentPerSecond: sentRate.packetsPerSecond,
            packetsReceivedPerSecond: receivedRate.packetsPerSecond,
            congestionWindowBytes: congestion.window,
            bytesInFlight: congestion.bytesInFlight,
            receiveBufferedBytes: bufferedBytes,
            totals: totals,
            // Every channel of the layout, with zeros for lanes not made yet.
            queues: config.layout.kinds.indices.map {
                ChannelStatistics.QueueDepth(
                    channel: ChannelID(UInt8($0)), messages: $0 < lanes.count ? lanes[$0].queuedMessages : 0,
                    bytes: $0 < lanes.count ? lanes[$0].queued.bytes : 0)
            },
            drops: drops
        )
    }
}
