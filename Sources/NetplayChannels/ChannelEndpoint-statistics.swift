extension ChannelEndpoint {
    /// Round trip, loss, rates, queues and drops, as of the last call that took a `now`.
    package var statistics: ChannelStatistics {
        var totals = counters
        totals.packetsSent = sentRate.totalPackets
        totals.bytesSent = sentRate.totalBytes
        totals.packetsReceived = receivedRate.totalPackets
        totals.bytesReceived = receivedRate.totalBytes
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
                    bytes: $0 < lanes.count ? lanes[$0].queuedBytes : 0)
            },
            drops: drops
        )
    }
}
