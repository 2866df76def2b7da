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
    /// Pins the byte layout written down in `docs/PROTOCOL.md` §5.
    @Suite("Format")
    struct FormatTests {
        @Test("header and a whole-message entry are laid out as docs/PROTOCOL.md §5 says")
        func wholeMessageLayout() throws {
            var endpoint = ChannelEndpoint(now: .zero)
            try endpoint.enqueue([0xAA, 0xBB], on: ChannelID(3), now: .zero)
            let payload = try #require(endpoint.makePayloads(now: .zero).first)
            #expect(
                payload == [
                    0x03,  // version
                    0x00, 0x00,  // sequence 0
                    0xFF, 0xFF,  // ack: nothing received yet
                    0x00, 0x00, 0x00, 0x00,  // ack bits
                    0xFF, 0xFF,  // ack delay: unknown (nothing received)
                    0x03,  // channel 3
                    0x00,  // flags: whole message
                    0x00, 0x00,  // message id 0
                    0x02,  // length 2
                    0xAA, 0xBB,
                ])
        }

        @Test("a fragmented message carries count and index, fragments of the documented size")
        func fragmentLayout() throws {
            var endpoint = ChannelEndpoint(now: .zero)
            let message = (0..<3000).map { UInt8(truncatingIfNeeded: $0) }
            try endpoint.enqueue(message, on: ChannelID(0), now: .zero)
            let payloads = endpoint.makePayloads(now: .zero)
            #expect(payloads.count == 3)
            let first = try #require(payloads.first)
            #expect(Array(first[11..<15]) == [0x00, 0x01, 0x00, 0x00])  // channel 0, fragment flag, id 0
            #expect(first[15] == 3 && first[16] == 0)  // count 3, index 0
            // length 1151 as a varint: 0xFF 0x08
            #expect(Array(first[17..<19]) == [0xFF, 0x08])
            // 11 header + 4 fixed + 1 count + 1 index + 2 length + 1151 data. The fragment size
            // leaves room for a two-byte count and index; a three-fragment message needs one.
            #expect(first.count == 1170)
            let total = payloads.map(\.count).reduce(0, +)
            let perFragmentOverhead = 11 + 4 + 1 + 1 + 2
            // The last fragment (698 bytes) has a two-byte length too; none is wasted.
            #expect(total == 3000 + 3 * perFragmentOverhead)
            #expect(ChannelGeometry(ChannelConfig()).maxWholeMessageBytes == 1155)
        }

        @Test("a payload is at most 1255 bytes whatever the MTU, so message numbers stay unambiguous")
        func payloadsAreCappedForTheReliableWindow() throws {
            var config = ChannelConfig()
            config.maxPayloadBytes = 9_000  // a jumbo-frame MTU
            let geometry = ChannelGeometry(config)
            #expect(geometry.payloadBytes == ChannelConfig.maximumPayloadBytes)
            // The bound of PROTOCOL.md §5: a payload is read within 256 sequences of the
            // newest, and the 255 newer payloads' worth of six-byte reliable entries (a
            // one-byte message's: none is empty) plus the window stay within 65,536 − window
            // of each other.
            let smallest = ChannelEntry.encodedSize(fragment: nil, byteCount: 1)
            #expect(smallest == 6)
            let entries = (geometry.payloadBytes - PayloadHeader.byteCount) / smallest
            let window = ReliableReceiveChannel.window
            #expect(ReceivedPacketWindow.size == 256)
            #expect(window + 255 * entries <= 65_536 - window)
            // Were empty messages allowed (five-byte entries), this window would not hold.
            let empty = ChannelEntry.encodedSize(fragment: nil, byteCount: 0)
            let emptyEntries = (geometry.payloadBytes - PayloadHeader.byteCount) / empty
            #expect(window + 255 * emptyEntries > 65_536 - window)
            // Every payload the endpoint makes stays within it, and a larger one is dropped.
            var sender = ChannelEndpoint(config: config, now: .zero)
            for _ in 0..<400 { try sender.enqueue([1, 2, 3, 4], on: ChannelID(2), now: .zero) }
            let payloads = sender.makePayloads(now: .zero)
            #expect(!payloads.isEmpty)
            #expect(payloads.allSatisfy { $0.count <= ChannelConfig.maximumPayloadBytes })
            #expect(payloads.contains { $0.count > ChannelConfig.maximumPayloadBytes - 10 })
            var receiver = ChannelEndpoint(config: config, now: .zero)
            receiver.receive(payloads[0] + [UInt8](repeating: 0, count: 64), now: .zero)
            #expect(receiver.drops.oversizedPayloads == 1)
        }

        @Test("acks: the ack field and bitfield name exactly the sequences received")
        func ackBits() throws {
            var sender = ChannelEndpoint(now: .zero)
            var receiver = ChannelEndpoint(now: .zero)
            var sent: [[UInt8]] = []
            for index in 0..<5 {
                try sender.enqueue(Array(repeating: UInt8(index), count: 1000), on: ChannelID(2), now: .zero)
                sent += sender.makePayloads(now: .zero)
            }
            #expect(sent.count == 5)
            for index in [0, 2, 4] { receiver.receive(sent[index], now: .zero) }
            let ack = try #require(receiver.makePayloads(now: .zero).first)
            #expect(Array(ack[3..<5]) == [0x04, 0x00])  // ack 4
            #expect(Array(ack[5..<9]) == [0b1010, 0x00, 0x00, 0x00])  // 2 (bit 1) and 0 (bit 3)
            #expect(ack.count == PayloadHeader.byteCount)
        }
    }
}
