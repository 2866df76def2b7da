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
    /// A packet held through an outage (in a stopped process's socket buffer) and acknowledged
    /// after it must not be taken for a round trip, or the timeouts grow to the outage's
    /// length and the first loss after it waits the 4 s maximum (seen with SIGSTOP).
    @Suite("Resume round-trip sampling")
    struct ResumeSamplingTests {
        static let outage = Duration.seconds(15)
        static let link = LinkImpairment(latency: .milliseconds(1))

        /// A pair that has measured its 2 ms round trip, and a packet from `a` that `b` gets
        /// only after the outage, with `b`'s acknowledgement of it.
        static func heldPacketAndItsAck() -> (pair: ChannelPair, ack: [UInt8]) {
            var pair = ChannelPair(aToB: link)
            for index in 0..<20 {
                try? pair.a.enqueue([UInt8(index)], on: ChannelID(0), now: pair.now)
                pair.run(for: .milliseconds(10))
            }
            try? pair.a.enqueue([0xAB], on: ChannelID(0), now: pair.now)
            let held = pair.a.makePayloads(now: pair.now)
            pair.now = pair.now + outage
            for payload in held { pair.b.receive(payload, now: pair.now) }
            let ack = pair.b.makePayloads(now: pair.now).first ?? []
            return (pair, ack)
        }

        @Test func anAckOfAPacketSentBeforeAResumeIsNoRoundTripSample() throws {
            var (pair, ack) = Self.heldPacketAndItsAck()
            let before = try #require(pair.a.roundTrip.smoothed)
            pair.a.resume(now: pair.now)
            pair.a.receive(ack, now: pair.now)
            #expect(pair.a.roundTrip.smoothed == before)
            #expect(pair.a.roundTrip.retransmissionTimeout < Duration.milliseconds(100).nanosecondsClamped)
            // Packets sent after the resume are sampled again.
            try pair.a.enqueue([0xCD], on: ChannelID(0), now: pair.now)
            let sampled = pair.run(for: .milliseconds(50)) {
                $0.a.roundTrip.latest < before * 10 && !$0.a.hasUnackedReliableData
            }
            #expect(sampled)
        }

        @Test func withoutTheResumeTheOutageWouldBecomeTheRoundTrip() throws {
            var (pair, ack) = Self.heldPacketAndItsAck()
            pair.a.receive(ack, now: pair.now)
            let smoothed = try #require(pair.a.roundTrip.smoothed)
            #expect(smoothed > Duration.seconds(1).nanosecondsClamped)
        }
    }
}
