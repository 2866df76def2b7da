import Testing

@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension ChannelTests {
    /// When a receiver acknowledges (held for a header going out anyway: a packet with reliable
    /// entries at most 15 ms, at once for every second one; a packet with only unreliable
    /// entries at most 40 ms, at once for every fourth; any packet out of order at once) and
    /// what the header says about the hold (docs/PROTOCOL.md §5).
    @Suite("Ack delay")
    struct AckDelayTests {

        /// A fresh sender's first `count` payloads, one small message each on `channel`, as its
        /// endpoint writes them (built here: the endpoint's congestion window stops at 10).
        static func payloads(_ count: Int, on channel: ChannelID = reliable) -> [[UInt8]] {
            (0..<count).map { index in
                var writer = PayloadWriter(
                    header: PayloadHeader(sequence: UInt16(index), ack: 0xFFFF, ackBits: 0),
                    capacity: ChannelGeometry(ChannelConfig()).payloadBytes)
                _ = writer.append(
                    channel: channel.index, messageID: UInt16(index), fragment: nil, bytes: [UInt8(index)])
                return writer.bytes
            }
        }

        static func header(_ payload: [UInt8]) throws -> PayloadHeader {
            try PayloadDecoder.decode(payload, layout: .standard) { _ in 16 }.0
        }

        @Test("a lone packet's ack waits 15 ms for data, then leaves alone and says it waited 15 ms")
        func aLonePacketIsAcknowledgedAfterTheFirstNamingDelay() throws {
            let sent = Self.payloads(1)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: ChannelTests.at(milliseconds: 100))
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 100)).isEmpty)
            #expect(receiver.nextWakeup == ChannelTests.at(milliseconds: 115))
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 114)).isEmpty)
            let acks = receiver.makePayloads(now: ChannelTests.at(milliseconds: 115))
            #expect(acks.count == 1)
            let header = try Self.header(try #require(acks.first))
            #expect(header.ack == 0)
            #expect(header.ackDelay == 15_000)
            #expect(acks.first?.count == PayloadHeader.byteCount)
        }

        @Test("without acknowledging, a due ack stays owed and due, and leaves with the next data")
        func aDueAckWaitsForDataWhenTheCallerHoldsIt() throws {
            let sent = Self.payloads(1)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: ChannelTests.at(milliseconds: 100))
            var pieces: [PieceReference] = []
            let held = receiver.makePayloads(
                now: ChannelTests.at(milliseconds: 120), pieceScratch: &pieces, acknowledging: false)
            #expect(held.isEmpty)
            // Still due, so a driver's next tick comes at once.
            #expect(receiver.flushDue == ChannelTests.at(milliseconds: 115))
            try receiver.enqueue([7], on: ChannelTests.unreliable, now: ChannelTests.at(milliseconds: 125))
            let data = receiver.makePayloads(
                now: ChannelTests.at(milliseconds: 125), pieceScratch: &pieces, acknowledging: false)
            #expect(data.count == 1)
            let header = try Self.header(try #require(data.first))
            #expect(header.ack == 0)
            #expect(header.ackDelay == 25_000)
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 125)).isEmpty)
        }

        @Test("data leaving within the hold carries the ack and its delay; no ack-only follows")
        func dataCarriesTheHeldAck() throws {
            let sent = Self.payloads(1)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: ChannelTests.at(milliseconds: 100))
            try receiver.enqueue([7], on: ChannelTests.unreliable, now: ChannelTests.at(milliseconds: 106))
            let data = receiver.makePayloads(now: ChannelTests.at(milliseconds: 106))
            #expect(data.count == 1)
            let header = try Self.header(try #require(data.first))
            #expect(header.ack == 0)
            #expect(header.ackDelay == 6_000)
            // The second naming is owed (20 ms after the first), not a first one.
            #expect(receiver.nextWakeup == ChannelTests.at(milliseconds: 126))
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 125)).isEmpty)
        }

        @Test("every second packet is acknowledged at once")
        func everySecondPacketIsAcknowledgedAtOnce() throws {
            let sent = Self.payloads(4)
            var receiver = ChannelEndpoint(now: .zero)
            var ackOnly: [PayloadHeader] = []
            for (index, payload) in sent.enumerated() {
                let now = ChannelTests.at(milliseconds: 100 + Int64(index) * 2)
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
            let sent = Self.payloads(3)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: ChannelTests.at(milliseconds: 100))
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 100)).isEmpty)
            _ = receiver.makePayloads(now: ChannelTests.at(milliseconds: 115))  // 0's own ack
            receiver.receive(sent[2], now: ChannelTests.at(milliseconds: 120))  // 1 is missing
            let gap = try receiver.makePayloads(now: ChannelTests.at(milliseconds: 120)).map(Self.header)
            #expect(gap.map(\.ack) == [2])
            receiver.receive(sent[1], now: ChannelTests.at(milliseconds: 121))  // late
            let late = try receiver.makePayloads(now: ChannelTests.at(milliseconds: 121)).map(Self.header)
            // It names the newest (2, held 1 ms), whose bits reach the late one.
            #expect(late.map(\.ack) == [2])
            #expect(late.map(\.ackDelay) == [1_000])
            #expect(late.map(\.ackBits) == [0b11])
        }

        @Test("an unreliable packet's ack waits 40 ms, then leaves alone, once")
        func aLoneUnreliablePacketWaitsLongerAndIsNamedOnce() throws {
            let sent = Self.payloads(1, on: ChannelTests.unreliable)
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(sent[0], now: ChannelTests.at(milliseconds: 100))
            #expect(receiver.nextWakeup == ChannelTests.at(milliseconds: 140))
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 139)).isEmpty)
            let acks = try receiver.makePayloads(now: ChannelTests.at(milliseconds: 140)).map(Self.header)
            #expect(acks.map(\.ack) == [0])
            #expect(acks.map(\.ackDelay) == [40_000])
            // No second naming is owed: nothing more is due, ever.
            #expect(receiver.nextWakeup == nil)
            #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: 1_000)).isEmpty)
        }

        @Test("unreliable packets are acknowledged at once every fourth, or out of order")
        func unreliablePacketsAreAcknowledgedEveryFourth() throws {
            let sent = Self.payloads(10, on: ChannelTests.unreliable)
            var receiver = ChannelEndpoint(now: .zero)
            var ackOnly: [PayloadHeader] = []
            for (index, payload) in sent.enumerated() where index != 8 {
                let now = ChannelTests.at(milliseconds: 100 + Int64(index))
                receiver.receive(payload, now: now)
                ackOnly += try receiver.makePayloads(now: now).map(Self.header)
            }
            // 0–3, then 4–7, then 9 at once for the gap where 8 is missing.
            #expect(ackOnly.map(\.ack) == [3, 7, 9])
            #expect(ackOnly.map(\.ackDelay) == [0, 0, 0])
            #expect(ackOnly.map(\.ackBits) == [0b111, 0x7F, 0x1FE])
            // Never more than the smallest congestion window: a sender whose window holds
            // fewer full payloads would wait for the 40 ms hold after every window.
            #expect(ReceivedPacketWindow.relaxedNamingAtOnceAfter <= CongestionController.minimumPayloads)
            // One reliable packet among unreliable ones waits the shorter hold.
            var mixed = ChannelEndpoint(now: .zero)
            mixed.receive(Self.payloads(1, on: ChannelTests.unreliable)[0], now: ChannelTests.at(milliseconds: 100))
            #expect(mixed.nextWakeup == ChannelTests.at(milliseconds: 140))
            mixed.receive(Self.payloads(2)[1], now: ChannelTests.at(milliseconds: 110))
            #expect(mixed.nextWakeup == ChannelTests.at(milliseconds: 125))
        }

        @Test("a sender allows an unreliable packet's ack its longer hold: no timeout, no loss")
        func aHeldUnreliableAckIsNotTakenForALoss() throws {
            var pair = ChannelPair(aToB: LinkImpairment(latency: .milliseconds(1)))
            var sends = 0
            var nextSend = NetInstant.zero
            let end = NetInstant.zero + .seconds(3)
            // Bounded: each step advances virtual time by at least 1 ms.
            while pair.now < end {
                if pair.now >= nextSend {
                    try pair.a.enqueue([1, 2, 3], on: ChannelTests.unreliable, now: pair.now)
                    sends += 1
                    nextSend = nextSend + .milliseconds(100)
                }
                pair.step(alsoAt: nextSend)
            }
            // Each ack left alone after 40 ms, longer than the 28 ms timeout a reliable packet
            // gets here (2 ms of path + 1 + 25), and none was taken for a loss.
            #expect(pair.ackOnlyPayloadsFromB >= sends - 1)
            #expect(pair.a.counters.packetsLost == 0)
            #expect(pair.a.counters.spuriousLosses == 0)
            let roundTrip = try #require(pair.a.roundTrip.smoothed)
            #expect(abs(roundTrip - 2_000_000) <= 1_000_000)
        }

        /// A reliable message lost at the end of unreliable traffic whose acks the peer holds
        /// 40 ms: A sends an input every 16 ms until 984 ms, a reliable message 1 ms after its
        /// last input, then nothing; B sends a snapshot every 50 ms (at 980 and 1,030 ms), over
        /// 1 ms each way; the first payload carrying the reliable message is dropped.
        @Test("a reliable message lost behind held unreliable acks is resent after its own timeout")
        func aLostReliableMessageIsNotHeldBackByHeldUnreliableAcks() throws {
            var a = ChannelEndpoint(now: .zero)
            var b = ChannelEndpoint(now: .zero)
            var toB: [(at: NetInstant, payload: [UInt8])] = []
            var toA: [(at: NetInstant, payload: [UInt8])] = []
            let reliableAt = ChannelTests.at(milliseconds: 985)
            var dropped: NetInstant?
            var resent: NetInstant?
            // Bounded: 1,200 steps of 1 ms.
            for step in 0..<1_200 {
                let now = ChannelTests.at(milliseconds: Int64(step))
                for item in toB where item.at <= now { b.receive(item.payload, now: now) }
                toB.removeAll { $0.at <= now }
                for item in toA where item.at <= now { a.receive(item.payload, now: now) }
                toA.removeAll { $0.at <= now }
                if step % 16 == 8, step <= 984 { try a.enqueue([1], on: ChannelTests.unreliable, now: now) }
                if step % 50 == 30 { try b.enqueue([2], on: ChannelTests.unreliable, now: now) }
                if now == reliableAt { try a.enqueue([9], on: ChannelTests.reliable, now: now) }
                for payload in a.makePayloads(now: now) {
                    let entries = try PayloadDecoder.decode(payload, layout: .standard) { _ in 16 }.1
                    if entries.contains(where: { $0.channel == ChannelTests.reliable.index }) {
                        if dropped == nil {
                            dropped = now
                            continue
                        }
                        if resent == nil { resent = now }
                    }
                    toB.append((now + .milliseconds(1), payload))
                }
                for payload in b.makePayloads(now: now) { toA.append((now + .milliseconds(1), payload)) }
            }
            let lostAt = try #require(dropped)
            let resentAt = try #require(resent)
            // Its own timeout: 2 ms of path + 1 + 25 ms. Timed out only as the oldest packet
            // in flight, it waited behind the input sent 1 ms before it, whose ack B held
            // 40 ms: resent 41 ms after.
            print("reliable message dropped at \(lostAt), resent at \(resentAt)")
            #expect(resentAt - lostAt <= .milliseconds(30))
            #expect(b.counters.packetsLost == 0)
        }

        /// A header gives the older sequences their second naming and the newer ones their
        /// first: the second naming then falls due from this header, not the one before.
        @Test("the second naming falls due from the first naming of those still owed one")
        func theSecondNamingClockRestartsWhenTheOlderNamingsAreDone() {
            var window = ReceivedPacketWindow()
            window.markReceived(10, needs: .prompt, now: ChannelTests.at(milliseconds: 0))
            window.markCovered(acknowledging: 10, now: ChannelTests.at(milliseconds: 1))
            #expect(window.secondNamingDue == ChannelTests.at(milliseconds: 21))
            window.markReceived(11, needs: .prompt, now: ChannelTests.at(milliseconds: 2))
            window.markCovered(acknowledging: 11, now: ChannelTests.at(milliseconds: 3))
            #expect(window.namedOnceCount == 1)
            #expect(window.secondNamingDue == ChannelTests.at(milliseconds: 23))
            window.markCovered(acknowledging: 11, now: ChannelTests.at(milliseconds: 4))
            #expect(window.namedOnceCount == 0)
            #expect(window.secondNamingDue == nil)
            #expect(window.uncoveredCount == 0)
        }

        @Test("a header names an unknown delay when its ack is not the newest packet received")
        func anOlderAckHasAnUnknownDelay() {
            var window = ReceivedPacketWindow()
            #expect(window.header(acknowledging: -1, now: ChannelTests.at(milliseconds: 1)).delay == 0xFFFF)
            window.markReceived(0, needs: .prompt, now: ChannelTests.at(milliseconds: 1))
            window.markReceived(1, needs: .none, now: ChannelTests.at(milliseconds: 2))
            #expect(window.header(acknowledging: 1, now: ChannelTests.at(milliseconds: 5)).delay == 3_000)
            #expect(window.header(acknowledging: 0, now: ChannelTests.at(milliseconds: 5)).delay == 0xFFFF)
            // Saturates below the value that means "unknown": 70 s is beyond the field.
            #expect(window.header(acknowledging: 1, now: ChannelTests.at(milliseconds: 70_000)).delay == 0xFFFE)
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
        /// 16.7 ms and the other every 33.3 ms, so nearly every ack is held for data; and how
        /// many acks still leave alone, on reliable channels and on unreliable ones.
        @Test("held acks do not lengthen the round trip either end measures", arguments: [reliable, unreliable])
        func heldAcksKeepTheRoundTripHonest(channel: ChannelID) throws {
            var pair = ChannelPair(aToB: LinkImpairment(latency: .milliseconds(10)))
            var nextInput = NetInstant.zero
            var nextSnapshot = NetInstant.zero
            var inputs = 0
            var snapshots = 0
            let end = NetInstant.zero + .seconds(5)
            // Bounded: each step advances virtual time by at least 1 ms.
            while pair.now < end {
                if pair.now >= nextInput {
                    try pair.a.enqueue([1, 2, 3], on: channel, now: pair.now)
                    inputs += 1
                    nextInput = nextInput + .microseconds(16_667)
                }
                if pair.now >= nextSnapshot {
                    try pair.b.enqueue([4, 5, 6, 7], on: channel, now: pair.now)
                    snapshots += 1
                    nextSnapshot = nextSnapshot + .microseconds(33_333)
                }
                pair.step(alsoAt: min(nextInput, nextSnapshot))
            }
            // Before acks were held, each end answered every packet at once: 151 ack-only
            // payloads from A and 300 from B. Held 15 ms, A's all ride on its inputs (16.7 ms
            // apart, inside the hold but for the phase of the two clocks), and B answers every
            // second input alone (the other rides on a snapshot or waits for the next input).
            // Held 40 ms (unreliable packets), B's ride on its snapshots too: 150 of them for
            // reliable inputs, 0 for unreliable ones.
            #expect(pair.ackOnlyPayloadsFromA <= snapshots / 5)
            if channel == ChannelTests.reliable {
                #expect(pair.ackOnlyPayloadsFromB <= inputs * 3 / 5)
            } else {
                #expect(pair.ackOnlyPayloadsFromB <= inputs / 50)
            }
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
