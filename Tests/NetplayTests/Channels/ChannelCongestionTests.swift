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
    @Suite("Congestion")
    struct CongestionTests {
        /// Keeps `channel` (0 unless told) of `pair.a` backlogged for `duration`; returns the
        /// payload bytes per second that reached `b` over the last `measured` of it.
        static func saturate(
            _ pair: inout ChannelPair, on channel: ChannelID = ChannelID(0), for duration: Duration,
            measuring measured: Duration
        ) -> Double {
            let block = Array(repeating: UInt8(0x5A), count: 1000)
            let end = pair.now + duration
            while pair.now < end {
                while (try? pair.a.enqueue(block, on: channel, now: pair.now)) != nil {}
                pair.step()
                pair.deliveredAtB.removeAll()
            }
            let from = NetInstant(nanoseconds: end.nanoseconds - measured.nanosecondsClamped)
            let bytes = pair.arrivalsAtB.filter { $0.at >= from }.reduce(0) { $0 + $1.bytes }
            return Double(bytes) / measured.secondsDouble
        }

        @Test("under the configured bandwidth cap the rate settles within 10% of the cap")
        func configuredCap() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 256 << 10
            config.bandwidthCap = 2_000_000
            var pair = ChannelPair(
                config: config, aToB: LinkImpairment(latency: .milliseconds(30), jitter: .milliseconds(5)))
            let rate = Self.saturate(&pair, for: .seconds(30), measuring: .seconds(20))
            let cap = Double(config.bandwidthCap ?? 0) / 8
            print("configured cap \(cap) B/s: delivered \(rate) B/s (\(rate / cap * 100) %)")
            #expect(abs(rate - cap) / cap < 0.10)
        }

        @Test("through a bottleneck link the window finds the capacity without collapse")
        func bottleneckLink() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 256 << 10
            let capacity = 1_000_000
            let link = LinkImpairment(
                latency: .milliseconds(30),
                bandwidth: LinkImpairment.BandwidthCap(bitsPerSecond: capacity, maxQueueDelay: .milliseconds(100))
            )
            var pair = ChannelPair(config: config, aToB: link, bToA: LinkImpairment(latency: .milliseconds(30)))
            let rate = Self.saturate(&pair, for: .seconds(40), measuring: .seconds(30))
            let cap = Double(capacity) / 8
            let dropped = pair.network.linkCounters(from: pair.addressA, to: pair.addressB).droppedByBandwidth
            let submitted = pair.network.linkCounters(from: pair.addressA, to: pair.addressB).submitted
            print(
                "bottleneck \(cap) B/s: delivered \(rate) B/s (\(rate / cap * 100) %), \(dropped) of \(submitted) dropped at the bottleneck"
            )
            #expect(rate > cap * 0.90)
            #expect(rate <= cap * 1.01)
            // Not flooding: the bottleneck's tail drops stay a small fraction.
            #expect(Double(dropped) < Double(submitted) * 0.05)
        }

        @Test("on a fast clean link the window grows well past its initial size")
        func fastLinkIsUsed() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 1 << 20
            var pair = ChannelPair(config: config, aToB: LinkImpairment(latency: .milliseconds(10)))
            let rate = Self.saturate(&pair, for: .seconds(5), measuring: .seconds(3))
            let initial = CongestionController.initialPayloads * config.maxPayloadBytes
            print("fast link: \(rate) B/s, window \(pair.a.statistics.congestionWindowBytes) bytes")
            #expect(pair.a.statistics.congestionWindowBytes > 4 * initial)
            // The initial window alone would give 10 payloads per 20 ms round trip.
            #expect(rate > Double(4 * initial) / 0.020)
        }

        /// A window past what the receiver's socket can hold lets a receiver that falls behind
        /// lose whole send batches in its kernel (`CongestionController.maxWindowBytes`). An
        /// unreliable stream (its channel caps nothing in flight, as a reliable one's reorder
        /// window does) behind a queue larger than the cap, on a clean 100 ms round trip: the
        /// window grows by about a third a round trip (acks of unreliable payloads are held
        /// and grouped) and passes 4 MiB within some two and a half seconds.
        @Test("on a clean link the window grows no further than the receive buffer allows")
        func windowStopsAtItsCap() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 2 * CongestionController.maxWindowBytes
            var pair = ChannelPair(config: config, aToB: LinkImpairment(latency: .milliseconds(50)))
            let unreliable = ChannelID(2)
            var largest = 0
            let end = pair.now + .seconds(3)
            while pair.now < end {
                _ = Self.saturate(&pair, on: unreliable, for: .milliseconds(50), measuring: .milliseconds(50))
                largest = max(largest, pair.a.statistics.congestionWindowBytes)
            }
            #expect(CongestionController.maxWindowBytes <= Int(UDPSocket.receiveBufferBytes))
            #expect(largest == CongestionController.maxWindowBytes)
            #expect(pair.a.statistics.congestionWindowBytes == CongestionController.maxWindowBytes)
        }

        @Test("1 % random loss on a fast link keeps at least half the lossless rate")
        func randomLossIsNotCongestion() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 1 << 20
            // 50 ms round trips: fast enough that only the window limits the rate, slow enough
            // that a debug build moves the bytes in seconds.
            let latency = Duration.milliseconds(25)
            var clean = ChannelPair(config: config, aToB: LinkImpairment(latency: latency))
            let lossless = Self.saturate(&clean, for: .seconds(2), measuring: .seconds(1))
            var lossy = ChannelPair(config: config, aToB: LinkImpairment(latency: latency, lossProbability: 0.01))
            let rate = Self.saturate(&lossy, for: .seconds(2), measuring: .seconds(1))
            let window = lossy.a.statistics.congestionWindowBytes
            print(
                "fast link: lossless \(lossless) B/s, 1 % loss \(rate) B/s (\(rate / lossless * 100) %), window \(window); lost \(lossy.a.statistics.totals.packetsLost), \(lossy.network.linkCounters(from: lossy.addressA, to: lossy.addressB).droppedByLoss) dropped"
            )
            #expect(rate >= lossless / 2)
        }

        @Test("1 % random loss through a 100 Mbit/s, 10 ms bottleneck keeps at least half the lossless rate")
        func randomLossThroughABottleneck() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 1 << 20
            // A fast path with a real capacity: 100 Mbit/s (12.5 MB/s), 20 ms round trip, a
            // router buffer of one round trip. Its bandwidth-delay product (250 KB) is well
            // under the reliable window, so the congestion window alone sets the rate.
            func link(loss: Double) -> LinkImpairment {
                LinkImpairment(
                    latency: .milliseconds(10), lossProbability: loss,
                    bandwidth: LinkImpairment.BandwidthCap(bitsPerSecond: 100_000_000, maxQueueDelay: .milliseconds(20))
                )
            }
            let back = LinkImpairment(latency: .milliseconds(10))
            var clean = ChannelPair(config: config, aToB: link(loss: 0), bToA: back)
            let lossless = Self.saturate(&clean, for: .seconds(5), measuring: .seconds(3))
            var lossy = ChannelPair(config: config, aToB: link(loss: 0.01), bToA: back)
            let rate = Self.saturate(&lossy, for: .seconds(5), measuring: .seconds(3))
            let counters = lossy.network.linkCounters(from: lossy.addressA, to: lossy.addressB)
            let capacity = 100_000_000.0 / 8
            print(
                "100 Mbit/s bottleneck: lossless \(lossless) B/s (\(lossless / capacity * 100) % of capacity), 1 % loss \(rate) B/s (\(rate / lossless * 100) % of lossless); random drops \(counters.droppedByLoss), bottleneck drops \(counters.droppedByBandwidth) of \(counters.submitted); window \(lossy.a.statistics.congestionWindowBytes)"
            )
            #expect(lossless > capacity * 0.85)
            #expect(rate >= lossless / 2)
        }
    }
}
