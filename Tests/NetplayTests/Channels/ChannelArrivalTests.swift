import Testing

@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension ChannelTests {
    /// A datagram that waited in the receiver's socket (a game reading at its polls, a network
    /// thread coalescing its reads) is read after it arrived: its acknowledgement reports the
    /// wait as held (docs/PROTOCOL.md §5, "arrival"), and a round-trip sample it brings ends at
    /// its arrival, so neither side's round trip counts the wait.
    @Suite("Arrival before the read")
    struct ArrivalTests {
        @Test("the hold and the delay the ack reports count from the arrival, the hold never before the read")
        func theHoldAndTheReportedDelayStartAtTheArrival() throws {
            // Arrived at 92 (waited 8 ms), or at 80 (waited past its 15 ms hold).
            for (arrival, due) in [(Int64(92), Int64(107)), (80, 100)] {
                let sent = AckDelayTests.payloads(1)
                var receiver = ChannelEndpoint(now: .zero)
                var scratch = ChannelBuffers()
                receiver.receive(
                    sent[0], now: ChannelTests.at(milliseconds: 100), arrivedAt: ChannelTests.at(milliseconds: arrival),
                    buffers: &scratch)
                #expect(receiver.nextWakeup == ChannelTests.at(milliseconds: due))
                if due > 100 { #expect(receiver.makePayloads(now: ChannelTests.at(milliseconds: due - 1)).isEmpty) }
                let acks = receiver.makePayloads(now: ChannelTests.at(milliseconds: due))
                let header = try AckDelayTests.header(try #require(acks.first))
                #expect(header.ack == 0)
                #expect(header.ackDelay == UInt16((due - arrival) * 1_000))
            }
        }

        @Test("an arrival said to be after the read counts as the read")
        func anArrivalAfterTheReadIsTheRead() throws {
            let sent = AckDelayTests.payloads(1)
            var receiver = ChannelEndpoint(now: .zero)
            var scratch = ChannelBuffers()
            receiver.receive(
                sent[0], now: ChannelTests.at(milliseconds: 100), arrivedAt: ChannelTests.at(milliseconds: 130),
                buffers: &scratch)
            let acks = receiver.makePayloads(now: ChannelTests.at(milliseconds: 115))
            let header = try AckDelayTests.header(try #require(acks.first))
            #expect(header.ackDelay == 15_000)
        }

        @Test("a round-trip sample ends when the acknowledgement arrived, not when it was read")
        func theSampleEndsAtTheArrival() throws {
            // Sent at 0, the reply read at 40: arrived at 20, at 40, or (a stamp gone wrong) before
            // the send, which the read then stands for.
            for (arrival, expected) in [(Int64(20), Int64(20)), (40, 40), (-5, 40)] {
                var sender = ChannelEndpoint(now: .zero)
                var receiver = ChannelEndpoint(now: .zero)
                var scratch = ChannelBuffers()
                try sender.enqueue([1], on: ChannelTests.reliable, now: ChannelTests.at(milliseconds: 0))
                let out = sender.makePayloads(now: ChannelTests.at(milliseconds: 0))
                #expect(out.count == 1)
                receiver.receive(out[0], now: ChannelTests.at(milliseconds: 10), buffers: &scratch)
                // A reply at once: its header acknowledges with a delay of zero.
                try receiver.enqueue([2], on: ChannelTests.reliable, now: ChannelTests.at(milliseconds: 10))
                let back = receiver.makePayloads(now: ChannelTests.at(milliseconds: 10))
                #expect(back.count == 1)
                #expect(try AckDelayTests.header(back[0]).ackDelay == 0)
                // Read at 40 ms, after it arrived at `arrival`.
                sender.receive(
                    back[0], now: ChannelTests.at(milliseconds: 40), arrivedAt: ChannelTests.at(milliseconds: arrival),
                    buffers: &scratch)
                #expect(sender.statistics.smoothedRoundTrip == .milliseconds(expected))
            }
        }
    }
}
