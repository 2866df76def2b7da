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
    @Suite("Loss detection")
    struct LossDetectionTests {
        /// A game's traffic: both ends send a small reliable message every 60 Hz frame for
        /// `duration`, then nothing for `drain` (so every packet is acknowledged or resolved lost).
        static func stream60Hz(_ pair: inout ChannelPair, for duration: Duration, drain: Duration = .seconds(3)) throws
        {
            var frame = 0
            let end = NetInstant.zero + duration
            while pair.now < end + drain {
                while pair.now < end, pair.now >= NetInstant.zero + .seconds(Double(frame) / 60) {
                    try pair.a.enqueue([1, 2, 3], on: ChannelID(0), now: pair.now)
                    try pair.b.enqueue([4, 5, 6], on: ChannelID(0), now: pair.now)
                    frame += 1
                }
                pair.step()
                pair.deliveredAtB.removeAll()
                _ = pair.a.drainDelivered()
            }
        }

        /// Payloads with entries that `a` sent and the network did not deliver to `b`.
        static func dataPayloadsDropped(_ pair: ChannelPair) -> Int {
            pair.dataPayloadsFromA - pair.arrivalsAtB.filter { $0.bytes > PayloadHeader.byteCount }.count
        }

        static func describe(_ stats: ChannelStatistics) -> String {
            let totals = stats.totals
            return
                "acked \(totals.packetsAcked), lost \(totals.packetsLost), spurious \(totals.spuriousLosses), "
                + "loss sent \(stats.packetLossSent) received \(stats.packetLossReceived), srtt \(stats.smoothedRoundTrip)"
        }

        /// The receivers of the clean-link test: one acknowledging as soon as anything arrives,
        /// one running its network tick once per 60 Hz frame, one holding every ack for 24 ms
        /// (just inside the 25 ms max ack delay it promises).
        static let ackDelays: [Duration?] = [nil, .seconds(1.0 / 60), .milliseconds(24)]

        @Test(
            "a clean link with jitter (20 ± 5 ms) shows exactly 0 loss over 30 s of a 60 Hz stream",
            arguments: ackDelays)
        func cleanLinkShowsNoLoss(receiverFrame: Duration?) throws {
            for distribution in [LinkImpairment.JitterDistribution.uniform, .normal] {
                var link = LinkImpairment(latency: .milliseconds(20), jitter: .milliseconds(5))
                link.jitterDistribution = distribution
                var pair = ChannelPair(aToB: link, seed: 21)
                pair.frameIntervalOfB = receiverFrame
                try Self.stream60Hz(&pair, for: .seconds(30))
                let (a, b) = (pair.a.statistics, pair.b.statistics)
                print(
                    "clean link, \(distribution), receiver frame \(receiverFrame.map { "\($0)" } ?? "none"): a \(Self.describe(a)); b \(Self.describe(b))"
                )
                #expect(a.totals.packetsAcked > 1_700)
                for stats in [a, b] {
                    #expect(stats.totals.packetsLost == 0)
                    #expect(
                        stats.totals.spuriousLosses == 0,
                        "an ack within the max ack delay is no loss, not even for a moment")
                    #expect(stats.packetLossSent == 0)
                    #expect(stats.packetLossReceived == 0)
                }
            }
        }

        @Test("a packet declared lost, with nothing else in flight, wakes its sender when its loss is settled")
        func declaredLossIsSettledAtItsOwnDeadline() throws {
            // Driven by hand, by the endpoints' own deadlines: the first payload is dropped, its
            // resend is acknowledged, and then the only thing left is the record of the drop,
            // which keeps every later record on the ledger until it is settled (a full ledger
            // sends nothing). With a driver that sleeps until `nextWakeup`, that settlement
            // needs a deadline of its own.
            var a = ChannelEndpoint(config: ChannelConfig(), now: .zero)
            var b = ChannelEndpoint(config: ChannelConfig(), now: .zero)
            try a.enqueue([1, 2, 3], on: ChannelID(0), now: .zero)
            let dropped = a.makePayloads(now: .zero)
            #expect(dropped.count == 1)
            var now = try #require(a.nextWakeup, "the retransmission timeout")
            let resends = a.makePayloads(now: now)
            #expect(resends.count == 1)
            for payload in resends { b.receive(payload, now: now) }
            #expect(b.drainDelivered().count == 1)
            now = try #require(b.nextWakeup, "the held ack")
            for payload in b.makePayloads(now: now) { a.receive(payload, now: now) }
            #expect(a.statistics.bytesInFlight == 0)
            #expect(a.statistics.totals.packetsLost == 0, "declared lost, not yet counted: a late ack may still come")
            let settle = try #require(a.nextWakeup, "nothing in flight, but a loss to settle")
            let timeout = a.statistics.retransmissionTimeout
            #expect(settle <= NetInstant.zero + timeout * 4 + .nanoseconds(1))
            _ = a.makePayloads(now: settle)
            #expect(a.statistics.totals.packetsLost == 1)
            #expect(a.nextWakeup == nil, "nothing left to do until something is sent or received")
        }

        @Test("2 % loss is counted as exactly the payloads the link dropped, and close to 2 %")
        func lossyLinkCountsRealLoss() throws {
            let link = LinkImpairment(latency: .milliseconds(20), jitter: .milliseconds(5), lossProbability: 0.02)
            var pair = ChannelPair(aToB: link, seed: 22)
            try Self.stream60Hz(&pair, for: .seconds(30))
            let stats = pair.a.statistics
            let dropped = Self.dataPayloadsDropped(pair)
            let fraction =
                Double(stats.totals.packetsLost) / Double(stats.totals.packetsLost + stats.totals.packetsAcked)
            print(
                "2 % loss: \(Self.describe(stats)); dropped by the link \(dropped) of \(pair.dataPayloadsFromA) (\(fraction * 100) % counted)"
            )
            // Every counted loss is a payload the link really dropped, and every drop is counted.
            #expect(stats.totals.packetsLost == dropped)
            #expect(stats.totals.spuriousLosses == 0)
            // ~1,800 payloads: the binomial standard deviation of a 2 % rate is 0.33 %, so
            // ±1 % (3σ) holds for any fair seed.
            #expect(abs(fraction - 0.02) < 0.01)
        }

        @Test("a receiver holding acks past its max ack delay causes resends but no counted loss")
        func lateReceiverIsNoLoss() throws {
            var pair = ChannelPair(aToB: LinkImpairment(latency: .milliseconds(20), jitter: .milliseconds(5)), seed: 23)
            // Twice the promised 25 ms: the sender's timeout fires before some acks arrive.
            pair.frameIntervalOfB = .milliseconds(50)
            try Self.stream60Hz(&pair, for: .seconds(10))
            let stats = pair.a.statistics
            print("late receiver: \(Self.describe(stats))")
            #expect(stats.totals.packetsLost == 0)
            #expect(stats.packetLossSent == 0)
            #expect(!pair.a.hasUnackedReliableData)
        }

        @Test("a path that reorders deeply raises the packet threshold instead of resending for ever")
        func reorderingRaisesThePacketThreshold() throws {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 256 << 10
            // Bulk data through 10 ms ± 4 ms: payloads microseconds apart overtake each other.
            let link = LinkImpairment(latency: .milliseconds(10), jitter: .milliseconds(4))
            var pair = ChannelPair(config: config, aToB: link, seed: 24)
            _ = ChannelTests.CongestionTests.saturate(&pair, for: .seconds(2), measuring: .seconds(1))
            let early = pair.a.statistics.totals.spuriousLosses
            _ = ChannelTests.CongestionTests.saturate(&pair, for: .seconds(2), measuring: .seconds(1))
            let stats = pair.a.statistics
            let stale = pair.b.statistics.drops.stalePackets
            print(
                "reordering: threshold \(pair.a.packetThreshold), spurious \(early) in the first 2 s, \(stats.totals.spuriousLosses - early) in the next 2 s; \(Self.describe(stats)); stale at b \(stale)"
            )
            #expect(pair.a.packetThreshold > ChannelEndpoint.initialPacketThreshold)
            #expect(stats.totals.spuriousLosses - early < early)
            // Nothing was dropped by the link: a loss counted is a payload `b` refused as
            // stale (overtaken by more than its 256-sequence window), so really never acked.
            #expect(stats.totals.packetsLost <= stale)
        }
    }
}
