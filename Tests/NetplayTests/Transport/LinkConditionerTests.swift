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

extension TransportTests {
    /// Statistical checks use 100,000 datagrams and a fixed seed, so they are deterministic; the
    /// tolerances are still wide enough (≥ 5 σ) that they would hold for any seed.
    @Suite("LinkConditioner")
    struct LinkConditionerTests {
        static let sampleCount = 100_000
        static let sendInterval = Duration.milliseconds(1)
        static let payload: [UInt8] = Array(0..<64)

        /// Sends `sampleCount` copies of `payload`, one per `sendInterval`.
        static func run(_ impairment: LinkImpairment, seed: UInt64 = 7, count: Int = sampleCount)
            -> (conditioner: LinkConditioner, sent: [NetInstant], deliveries: [[ScheduledDelivery]])
        {
            var conditioner = LinkConditioner(impairment: impairment, seed: seed)
            var sent: [NetInstant] = []
            var deliveries: [[ScheduledDelivery]] = []
            var now = NetInstant.zero
            for _ in 0..<count {
                sent.append(now)
                deliveries.append(conditioner.submit(payload, now: now))
                now = now + sendInterval
            }
            return (conditioner, sent, deliveries)
        }

        @Test func perfectLinkDeliversEverythingAtOnceUnchanged() {
            let (conditioner, sent, deliveries) = Self.run(.perfect, count: 1000)
            for (instant, copies) in zip(sent, deliveries) {
                #expect(copies == [ScheduledDelivery(deliverAt: instant, bytes: Self.payload)])
            }
            #expect(conditioner.counters.delivered == 1000)
            #expect(conditioner.counters.dropped == 0)
        }

        @Test func lossRateMatchesSetting() {
            let (conditioner, _, deliveries) = Self.run(LinkImpairment(lossProbability: 0.1))
            let rate = Double(conditioner.counters.droppedByLoss) / Double(Self.sampleCount)
            #expect(abs(rate - 0.1) < 0.005, "loss rate \(rate)")
            #expect(deliveries.filter(\.isEmpty).count == conditioner.counters.droppedByLoss)
        }

        @Test func duplicationRateMatchesSettingAndCopiesAreIdentical() {
            let (conditioner, _, deliveries) = Self.run(LinkImpairment(duplicationProbability: 0.05))
            let doubles = deliveries.filter { $0.count == 2 }
            let rate = Double(doubles.count) / Double(Self.sampleCount)
            #expect(abs(rate - 0.05) < 0.004, "duplication rate \(rate)")
            #expect(conditioner.counters.duplicated == doubles.count)
            #expect(doubles.allSatisfy { $0[0].bytes == $0[1].bytes })
        }

        @Test func corruptionFlipsExactlyOneBitAtTheSettingsRate() {
            let (conditioner, _, deliveries) = Self.run(LinkImpairment(corruptionProbability: 0.02))
            var damaged = 0
            for copy in deliveries.joined() where copy.bytes != Self.payload {
                let flippedBits = zip(copy.bytes, Self.payload).map { ($0 ^ $1).nonzeroBitCount }.reduce(0, +)
                #expect(flippedBits == 1)
                damaged += 1
            }
            let rate = Double(damaged) / Double(Self.sampleCount)
            #expect(abs(rate - 0.02) < 0.003, "corruption rate \(rate)")
            #expect(conditioner.counters.corrupted == damaged)
        }

        @Test(arguments: [LinkImpairment.JitterDistribution.uniform, .normal])
        func delaysStayWithinLatencyPlusOrMinusJitter(distribution: LinkImpairment.JitterDistribution) {
            let latency = Duration.milliseconds(80)
            let jitter = Duration.milliseconds(20)
            let impairment = LinkImpairment(latency: latency, jitter: jitter, jitterDistribution: distribution)
            let (_, sent, deliveries) = Self.run(impairment)
            let delays = zip(sent, deliveries).map { ($1[0].deliverAt - $0).secondsDouble }
            let lowest = delays.min()!
            let highest = delays.max()!
            let mean = delays.reduce(0, +) / Double(delays.count)
            #expect(lowest >= 0.060 && highest <= 0.100, "delays \(lowest)…\(highest)")
            #expect(abs(mean - 0.080) < 0.001, "mean delay \(mean)")
            if distribution == .uniform {
                // A uniform spread reaches close to both ends.
                #expect(lowest < 0.0605 && highest > 0.0995)
            } else {
                // σ = jitter / 3, so about 68 % of delays fall within ±6.7 ms of the mean.
                let withinOneSigma = delays.filter { abs($0 - 0.080) < 0.020 / 3 }.count
                let fraction = Double(withinOneSigma) / Double(delays.count)
                #expect(abs(fraction - 0.683) < 0.02, "within 1σ: \(fraction)")
            }
        }

        @Test func reorderingLetsLaterDatagramsOvertake() {
            let impairment = LinkImpairment(
                latency: .milliseconds(20),
                reordering: LinkImpairment.Reordering(probability: 0.1, extraDelay: .milliseconds(5))
            )
            let (conditioner, _, deliveries) = Self.run(impairment)
            let arrivalTimes = deliveries.map { $0[0].deliverAt }
            let overtaken = zip(arrivalTimes, arrivalTimes.dropFirst()).filter { $0 > $1 }.count
            let rate = Double(conditioner.counters.reordered) / Double(Self.sampleCount)
            #expect(abs(rate - 0.1) < 0.005, "reorder rate \(rate)")
            // A held-back datagram is overtaken by its successor unless that one is held too.
            #expect(overtaken > Self.sampleCount / 20, "overtaken \(overtaken)")
        }

        @Test func bandwidthCapLimitsDeliveredRateUnderOverload() {
            let cap = LinkImpairment.BandwidthCap(bitsPerSecond: 256_000, maxQueueDelay: .milliseconds(100))
            let datagram = [UInt8](repeating: 0xAB, count: 100)
            // 100 bytes every millisecond is 800 kbit/s offered: more than three times the cap.
            var conditioner = LinkConditioner(
                impairment: LinkImpairment(latency: .milliseconds(30), bandwidth: cap), seed: 1)
            var arrivals: [NetInstant] = []
            var longestDelay = Duration.zero
            var now = NetInstant.zero
            for _ in 0..<20_000 {
                for delivery in conditioner.submit(datagram, now: now) {
                    arrivals.append(delivery.deliverAt)
                    longestDelay = max(longestDelay, delivery.deliverAt - now)
                }
                now = now + Self.sendInterval
            }
            let span = (arrivals.max()! - arrivals.min()!).secondsDouble
            let deliveredBits = Double((arrivals.count - 1) * datagram.count * 8)
            let rate = deliveredBits / span
            #expect(abs(rate - 256_000) / 256_000 < 0.10, "delivered \(rate) bit/s")
            #expect(conditioner.counters.droppedByBandwidth > 10_000)
            #expect(arrivals.count + conditioner.counters.droppedByBandwidth == 20_000)
            // Nothing waits longer than the queue cap plus one datagram's transmission (3.125 ms).
            #expect(longestDelay <= .milliseconds(30) + cap.maxQueueDelay + .microseconds(3125))
        }

        @Test func sameSeedGivesIdenticalScheduleAndOtherSeedsDiffer() {
            let (_, _, first) = Self.run(.terrible, seed: 99, count: 10_000)
            let (_, _, second) = Self.run(.terrible, seed: 99, count: 10_000)
            let (_, _, other) = Self.run(.terrible, seed: 100, count: 10_000)
            #expect(first == second)
            #expect(first != other)
        }

        @Test func burstLossProducesRunsOfTheConfiguredMeanLength() {
            let burst = LinkImpairment.BurstLoss(entryProbability: 0.01, meanBurstLength: 8)
            let (conditioner, _, deliveries) = Self.run(LinkImpairment(burstLoss: burst))
            var runs: [Int] = []
            var current = 0
            for copies in deliveries {
                if copies.isEmpty {
                    current += 1
                } else if current > 0 {
                    runs.append(current)
                    current = 0
                }
            }
            let meanRun = Double(runs.reduce(0, +)) / Double(runs.count)
            #expect(abs(meanRun - 8) < 0.8, "mean burst \(meanRun) over \(runs.count) bursts")
            #expect(runs.max()! >= 20)
            #expect(conditioner.counters.droppedByBurst == runs.reduce(0, +) + current)
            #expect(conditioner.counters.droppedByLoss == 0)
        }

        @Test func changingImpairmentTakesEffectOnTheNextDatagram() {
            var conditioner = LinkConditioner(impairment: .perfect, seed: 3)
            #expect(conditioner.submit([1], now: .zero).count == 1)
            conditioner.impairment.lossProbability = 1
            #expect(conditioner.submit([2], now: .zero).isEmpty)
            conditioner.impairment = LinkImpairment(latency: .milliseconds(5))
            #expect(conditioner.submit([3], now: .zero).map(\.deliverAt) == [NetInstant.zero + .milliseconds(5)])
        }
    }
}
