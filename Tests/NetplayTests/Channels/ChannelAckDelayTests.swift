import Testing

@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension ChannelTests {
    /// When a receiver acknowledges (held for a header going out anyway, at most 15 ms; at once
    /// for every second packet or one out of order) and what the header says about the hold
    /// (docs/PROTOCOL.md §5).
    @Suite("Ack delay")
    struct AckDelayTests {
        static let unreliable = ChannelID(2)

        /// `count` payloads from a fresh sender, one small unreliable message each.
        static func payloads(_ count: Int) throws -> [[UInt8]] {
            var sender = ChannelEndpoint(now: .zero)
            var sent: [[UInt8]] = []
            for index in 0..<count {
                try sender.enqueue([UInt8(index)], on: unreliable, now: .zero)
                sent += sender.makePayloads(now: .zero)
            }
            return sent
        }

        static func header(_ payload: [UInt8]) throws -> PayloadHeader {
            try PayloadDecoder.decode(payload, layout: .standard) { _ in 16 }.0
        }

        static func at(milliseconds: Int64) -> NetInstant { NetInstant(nanoseconds: milliseconds * 1_000_000) }

        @Test("a lone packet's ack waits 15 ms for data, then leaves alone and says it waited 15 ms")
        func aLonePacketIsAcknowledgedAfterTheFirstNamingDelay() throws {
            let sent = try Self.payloads(1)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: Self.at(milliseconds: 100))
            #expect(receiver.makePayloads(now: Self.at(milliseconds: 100)).isEmpty)
            #expect(receiver.nextWakeup == Self.at(milliseconds: 115))
            #expect(receiver.makePayloads(now: Self.at(milliseconds: 114)).isEmpty)
            let acks = receiver.makePayloads(now: Self.at(milliseconds: 115))
            #expect(acks.count == 1)
            let header = try Self.header(try #require(acks.first))
            #expect(header.ack == 0)
            #expect(header.ackDelay == 15_000)
            #expect(acks.first?.count == PayloadHeader.byteCount)
        }

        @Test("data leaving within the hold carries the ack and its delay; no ack-only follows")
        func dataCarriesTheHeldAck() throws {
            let sent = try Self.payloads(1)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: Self.at(milliseconds: 100))
            try receiver.enqueue([7], on: Self.unreliable, now: Self.at(milliseconds: 106))
            let data = receiver.makePayloads(now: Self.at(milliseconds: 106))
            #expect(data.count == 1)
            let header = try Self.header(try #require(data.first))
            #expect(header.ack == 0)
            #expect(header.ackDelay == 6_000)
            // The second naming is owed (20 ms after the first), not a first one.
            #expect(receiver.nextWakeup == Self.at(milliseconds: 126))
            #expect(receiver.makePayloads(now: Self.at(milliseconds: 125)).isEmpty)
        }

        @Test("every second packet is acknowledged at once")
        func everySecondPacketIsAcknowledgedAtOnce() throws {
            let sent = try Self.payloads(4)
            var receiver = ChannelEndpoint(now: .zero)
            var ackOnly: [PayloadHeader] = []
            for (index, payload) in sent.enumerated() {
                let now = Self.at(milliseconds: 100 + Int64(index) * 2)
                receiver.receive(payload, now: now)
                ackOnly += try receiver.makePayloads(now: now).map(Self.header)
            }
            // Packets 0 and 1 together, then 2 and 3 (which names 0 and 1 a second time).
            #expect(ackOnly.map(\.ack) == [1, 3])
            #expect(ackOnly.map(\.ackDelay) == [0, 0])
            #expect(ackOnly.map(\.ackBits) == [0b1, 0b111])
        }

        @Test("a packet after a gap, or behind the newest, is acknowledged at once")
        func outOfOrderPacketsAreAcknowledgedAtOnce() throws {
            let sent = try Self.payloads(3)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: Self.at(milliseconds: 100))
            #expect(receiver.makePayloads(now: Self.at(milliseconds: 100)).isEmpty)
            _ = receiver.makePayloads(now: Self.at(milliseconds: 115))  // 0's own ack
            receiver.receive(sent[2], now: Self.at(milliseconds: 120))  // 1 is missing
            let gap = try receiver.makePayloads(now: Self.at(milliseconds: 120)).map(Self.header)
            #expect(gap.map(\.ack) == [2])
            receiver.receive(sent[1], now: Self.at(milliseconds: 121))  // late
            let late = try receiver.makePayloads(now: Self.at(milliseconds: 121)).map(Self.header)
            // It names the newest (2, held 1 ms), whose bits reach the late one.
            #expect(late.map(\.ack) == [2])
            #expect(late.map(\.ackDelay) == [1_000])
            #expect(late.map(\.ackBits) == [0b11])
        }

        @Test("a header names an unknown delay when its ack is not the newest packet received")
        func anOlderAckHasAnUnknownDelay() {
            var window = ReceivedPacketWindow()
            #expect(window.header(acknowledging: -1, now: Self.at(milliseconds: 1)).delay == 0xFFFF)
            window.markReceived(0, ackEliciting: true, now: Self.at(milliseconds: 1))
            window.markReceived(1, ackEliciting: false, now: Self.at(milliseconds: 2))
            #expect(window.header(acknowledging: 1, now: Self.at(milliseconds: 5)).delay == 3_000)
            #expect(window.header(acknowledging: 0, now: Self.at(milliseconds: 5)).delay == 0xFFFF)
            // Saturates below the value that means "unknown": 70 s is beyond the field.
            #expect(window.header(acknowledging: 1, now: Self.at(milliseconds: 70_000)).delay == 0xFFFE)
        }

        /// `flushDue`, which a session's tick trusts to skip a peer, is never later than the
        /// endpoint's own `nextWakeup`: every change since the last flush must have reset it.
        @Test("an endpoint's kept flush deadline is never later than its next wake-up")
        func flushDueNeverTrailsTheNextWakeup() throws {
            var link = LinkImpairment(latency: .milliseconds(15), jitter: .milliseconds(10), lossProbability: 0.05)
            link.duplicationProbability = 0.02
            var pair = ChannelPair(aToB: link, seed: 31)
            var random = TestRandom(seed: 31)
            var checkedAfterAFlush = 0
            // Bounded: each step advances virtual time by at least 1 ms.
            for _ in 0..<3_000 {
                for _ in 0..<Int.random(in: 0...2, using: &random) {
                    let channel = ChannelID(UInt8.random(in: 0...3, using: &random))
                    let size = Int.random(in: 1...1_500, using: &random)
                    try? pair.a.enqueue(Array(repeating: 7, count: size), on: channel, now: pair.now)
                    if Bool.random(using: &random) { try? pair.b.enqueue([1, 2], on: channel, now: pair.now) }
                }
                pair.step()
                for endpoint in [pair.a, pair.b] {
                    let wake = endpoint.nextWakeup
                    guard let due = endpoint.flushDue else {
                        #expect(wake == nil)
                        continue
                    }
                    if due != .zero { checkedAfterAFlush += 1 }
                    if let wake { #expect(due <= wake) }
                }
            }
            // Not only right after a change (when it is due at once by construction).
            #expect(checkedAfterAFlush > 1_000)
        }

        /// The round trip both ends measure through a 10 ms + 10 ms path while one sends every
        /// 16.7 ms and the other every 33.3 ms, so nearly every ack is held for data.
        @Test("held acks do not lengthen the round trip either end measures")
        func heldAcksKeepTheRoundTripHonest() throws {
            var pair = ChannelPair(aToB: LinkImpairment(latency: .milliseconds(10)))
            var nextInput = NetInstant.zero
            var nextSnapshot = NetInstant.zero
            var inputs = 0
            var snapshots = 0
            let end = NetInstant.zero + .seconds(5)
            // Bounded: each step advances virtual time by at least 1 ms.
            while pair.now < end {
                if pair.now >= nextInput {
                    try pair.a.enqueue([1, 2, 3], on: Self.unreliable, now: pair.now)
                    inputs += 1
                    nextInput = nextInput + .microseconds(16_667)
                }
                if pair.now >= nextSnapshot {
                    try pair.b.enqueue([4, 5, 6, 7], on: Self.unreliable, now: pair.now)
                    snapshots += 1
                    nextSnapshot = nextSnapshot + .microseconds(33_333)
                }
                pair.step(alsoAt: min(nextInput, nextSnapshot))
            }
            // Before acks were held, each end answered every packet at once: 151 ack-only
            // payloads from A and 300 from B. Now A's all ride on its inputs (16.7 ms apart,
            // inside the 15 ms hold but for the phase of the two clocks), and B answers every
            // second input alone (the other rides on a snapshot or waits for the next input).
            #expect(pair.ackOnlyPayloadsFromA <= snapshots / 5)
            #expect(pair.ackOnlyPayloadsFromB <= inputs * 3 / 5)
            print(
                "ack-only payloads: from A \(pair.ackOnlyPayloadsFromA) for \(snapshots) snapshots, from B \(pair.ackOnlyPayloadsFromB) for \(inputs) inputs"
            )
            let roundTripAtA = try #require(pair.a.roundTrip.smoothed)
            let roundTripAtB = try #require(pair.b.roundTrip.smoothed)
            // 20 ms of path; the virtual clock steps in whole milliseconds.
            #expect(abs(roundTripAtA - 20_000_000) <= 1_000_000)
            #expect(abs(roundTripAtB - 20_000_000) <= 1_000_000)
        }
    }
}
