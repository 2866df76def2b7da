import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension ChannelTests {
    @Suite("Statistics")
    struct StatisticsTests {
        @Test("RTT ≈ 2 × latency and loss ≈ configured, in both directions", arguments: [0.0, 0.05, 0.20])
        func matchesConditioner(loss: Double) throws {
            let latency = Duration.milliseconds(50)
            let link = LinkImpairment(latency: latency, jitter: .milliseconds(5), lossProbability: loss)
            var pair = ChannelPair(aToB: link, seed: 11)
            var tick = 0
            // Both sides send a small message every 16 ms frame for a minute.
            while pair.now < .seconds(60) {
                if pair.now >= .seconds(0.016 * Double(tick)) {
                    try pair.a.enqueue([1, 2, 3], on: ChannelID(2), now: pair.now)
                    try pair.b.enqueue([4, 5, 6], on: ChannelID(2), now: pair.now)
                    tick += 1
                }
                pair.step()
                pair.deliveredAtB.removeAll()
                _ = pair.a.drainDelivered()
            }
            let stats = pair.a.statistics
            let srtt = stats.smoothedRoundTrip.secondsDouble
            print(
                "loss \(loss): lifetime sent loss \(Double(stats.totals.packetsLost) / Double(stats.totals.packetsLost + stats.totals.packetsAcked)); srtt \(stats.smoothedRoundTrip) min \(stats.minimumRoundTrip) var \(stats.roundTripVariation); loss sent \(stats.packetLossSent) received \(stats.packetLossReceived); up \(stats.bytesSentPerSecond) B/s \(stats.packetsSentPerSecond) p/s"
            )
            // Round trip: 100 ms ± 10 ms of jitter, plus up to 1 ms of polling granularity.
            #expect(abs(srtt - 0.100) < 0.010)
            #expect(stats.minimumRoundTrip >= .milliseconds(90) && stats.minimumRoundTrip <= .milliseconds(101))
            #expect(stats.roundTripVariation < .milliseconds(10))
            // Loss: the estimates average about 128 packets, so allow ±0.06 absolute.
            #expect(abs(stats.packetLossSent - loss) < 0.06)
            #expect(abs(stats.packetLossReceived - loss) < 0.06)
            // Over the whole minute (thousands of payloads) the sent-side count is tighter.
            let lifetime =
                Double(stats.totals.packetsLost) / Double(stats.totals.packetsLost + stats.totals.packetsAcked)
            #expect(abs(lifetime - loss) < 0.02)
            // One message per 16 ms frame each way: ~62 data payloads a second plus acks.
            #expect(stats.packetsSentPerSecond > 50 && stats.packetsSentPerSecond < 140)
            #expect(stats.queues.count == 4)
        }

        @Test("a peer that stalls past the timeout on a clean link shows no loss: late acks take it back")
        func lateAcksAreNotLoss() throws {
            var pair = ChannelPair(aToB: LinkImpairment(latency: .milliseconds(1)), seed: 5)
            let stall = NetInstant.zero + .seconds(2)..<NetInstant.zero + .seconds(2.2)
            var frame = 0
            // A 60 Hz stream each way for 4 s; between 2.0 s and 2.2 s `b` runs nothing (a
            // busy machine), so its acks come 200 ms late, far past `a`'s timeout.
            while pair.now < .seconds(4) {
                if pair.now >= .seconds(0.016 * Double(frame)) {
                    try pair.a.enqueue([1, 2, 3], on: ChannelID(0), now: pair.now)
                    try pair.b.enqueue([4, 5, 6], on: ChannelID(2), now: pair.now)
                    frame += 1
                }
                if stall.contains(pair.now) {
                    for payload in pair.a.makePayloads(now: pair.now) {
                        pair.network.send(from: pair.addressA, to: pair.addressB, bytes: payload)
                    }
                    pair.now = pair.now + .milliseconds(1)
                    pair.network.advance(to: pair.now)
                } else {
                    pair.step()
                }
                pair.deliveredAtB.removeAll()
                _ = pair.a.drainDelivered()
            }
            let stats = pair.a.statistics
            print(
                "stall: lost \(stats.totals.packetsLost), spurious \(stats.totals.spuriousLosses), loss \(stats.packetLossSent)"
            )
            #expect(stats.totals.spuriousLosses > 0, "the stall should have outlasted the timeout")
            #expect(stats.totals.packetsLost == 0)
            #expect(stats.packetLossSent == 0)
        }
    }
}
