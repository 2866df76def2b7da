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
    @Suite("Hostile input")
    struct HostileInputTests {
        @Test("100,000 seeded garbage and mutated payloads never trap and are counted")
        func garbage() throws {
            var random = TestRandom(seed: 99)
            var endpoint = ChannelEndpoint(now: .zero)
            // A few valid payloads to mutate, from a real sender.
            var sender = ChannelEndpoint(now: .zero)
            for index in 0..<20 {
                try sender.enqueue(random.bytes(1 + index * 150), on: ChannelID(UInt8(index % 4)), now: .zero)
            }
            let seeds = sender.makePayloads(now: .zero)
            var now = NetInstant.zero
            let rounds = 100_000
            for round in 0..<rounds {
                var payload: [UInt8]
                if round % 2 == 0 {
                    payload = random.bytes(Int.random(in: 0...1300, using: &random))
                    if round % 4 == 0, !payload.isEmpty { payload[0] = PayloadHeader.formatVersion }
                } else {
                    payload = seeds[round % seeds.count]
                    for _ in 0..<Int.random(in: 1...4, using: &random) where !payload.isEmpty {
                        payload[Int.random(in: 0..<payload.count, using: &random)] = UInt8.random(
                            in: 0...255, using: &random)
                    }
                }
                now = now + .microseconds(100)
                endpoint.receive(payload, now: now)
                _ = endpoint.drainDelivered()
                if round % 64 == 0 { _ = endpoint.makePayloads(now: now) }
            }
            let stats = endpoint.statistics
            print("garbage: \(stats.drops), buffered \(stats.receiveBufferedBytes)")
            #expect(stats.totals.packetsReceived == rounds)
            #expect(stats.drops.malformedPayloads + stats.drops.oversizedPayloads > rounds / 2)
            #expect(stats.receiveBufferedBytes <= ChannelConfig().maxReceiveBufferBytes)
        }

        @Test("truncated, wrong-version and unknown-channel payloads are malformed drops")
        func specificMalformations() throws {
            var sender = ChannelEndpoint(now: .zero)
            try sender.enqueue([1, 2, 3], on: ChannelID(0), now: .zero)
            let valid = try #require(sender.makePayloads(now: .zero).first)
            var cases: [[UInt8]] = [[], [PayloadHeader.formatVersion], Array(valid.dropLast())]
            // Version 1 (before the ack delay), 2 (the narrower window) and an unknown 4.
            for version: UInt8 in [1, 2, 4] {
                var wrongVersion = valid
                wrongVersion[0] = version
                cases.append(wrongVersion)
            }
            var unknownChannel = valid
            unknownChannel[PayloadHeader.byteCount] = 200
            cases.append(unknownChannel)
            var reservedFlag = valid
            reservedFlag[PayloadHeader.byteCount + 1] = 0x80
            cases.append(reservedFlag)
            var receiver = ChannelEndpoint(now: .zero)
            for payload in cases { receiver.receive(payload, now: .zero) }
            #expect(receiver.statistics.drops.malformedPayloads == cases.count)
            #expect(receiver.drainDelivered().isEmpty)
            receiver.receive(valid, now: .zero)
            #expect(receiver.drainDelivered() == [DeliveredMessage(channel: ChannelID(0), bytes: [1, 2, 3])])
            receiver.receive(valid, now: .zero)
            #expect(receiver.statistics.drops.duplicatePackets == 1)
        }

        @Test("a piece repeated within one payload is delivered once, and the repeat counted")
        func pieceRepeatedWithinOnePayload() throws {
            var writer = PayloadWriter(
                header: PayloadHeader(sequence: 0, ack: 0xFFFF, ackBits: 0), capacity: ChannelConfig.maximumPayloadBytes
            )
            // The next message whole, twice (the receiver's steady state, which skips a second
            // assessment), then a fragment twice before the message's other one.
            let first = ChannelEntry.Fragment(index: 0, count: 2)
            let second = ChannelEntry.Fragment(index: 1, count: 2)
            let pieces: [(messageID: UInt16, fragment: ChannelEntry.Fragment?, bytes: [UInt8])] = [
                (0, nil, [7, 8]), (0, nil, [7, 8]), (1, first, [9]), (1, first, [9]), (1, second, [10]),
            ]
            for piece in pieces {
                let appended = writer.append(
                    channel: 0, messageID: piece.messageID, fragment: piece.fragment, bytes: piece.bytes[...])
                #expect(appended)
            }
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(writer.bytes, now: .zero)
            #expect(
                receiver.drainDelivered() == [
                    DeliveredMessage(channel: ChannelID(0), bytes: [7, 8]),
                    DeliveredMessage(channel: ChannelID(0), bytes: [9, 10]),
                ])
            #expect(receiver.statistics.drops.duplicatePieces == 2)
            #expect(receiver.bufferedBytes == 0)
        }

        @Test("an empty reliable entry is a malformed drop, no sender makes one; an empty unreliable one arrives")
        func emptyReliableEntries() throws {
            var sender = ChannelEndpoint(now: .zero)
            #expect(throws: ChannelSendError.emptyReliableMessage(ChannelID(0))) {
                try sender.enqueue([], on: ChannelID(0), now: .zero)
            }
            try sender.enqueue([1, 2, 3], on: ChannelID(0), now: .zero)
            let valid = try #require(sender.makePayloads(now: .zero).first)
            // Header, channel 0, flags, message number 0, then the length: 0 and no data.
            let lengthAt = PayloadHeader.byteCount + 4
            #expect(Array(valid[lengthAt...]) == [3, 1, 2, 3])
            let empty = Array(valid[..<lengthAt]) + [0]
            // An empty fragment of a reliable message is refused the same way.
            var writer = PayloadWriter(
                header: PayloadHeader(sequence: 1, ack: 0xFFFF, ackBits: 0), capacity: ChannelConfig.maximumPayloadBytes
            )
            let appended = writer.append(
                channel: 1, messageID: 0, fragment: ChannelEntry.Fragment(index: 0, count: 2), bytes: [])
            #expect(appended)
            let emptyFragment = writer.bytes
            let geometry = ChannelGeometry(ChannelConfig())
            for payload in [empty, emptyFragment] {
                #expect(throws: PayloadDecodeError.emptyReliableEntry) {
                    try PayloadDecoder.decode(payload, layout: .standard, maxFragments: geometry.maxFragments(for:))
                }
            }
            var receiver = ChannelEndpoint(now: .zero)
            receiver.receive(empty, now: .zero)
            receiver.receive(emptyFragment, now: .zero)
            #expect(receiver.statistics.drops.malformedPayloads == 2)
            #expect(receiver.drainDelivered().isEmpty)
            // Its number is still free: the real message 0 is delivered.
            receiver.receive(valid, now: .zero)
            #expect(receiver.drainDelivered() == [DeliveredMessage(channel: ChannelID(0), bytes: [1, 2, 3])])
            // The rule is the reliable window's: an unreliable message may be empty.
            var unreliableSender = ChannelEndpoint(now: .zero)
            try unreliableSender.enqueue([], on: ChannelID(2), now: .zero)
            var unreliableReceiver = ChannelEndpoint(now: .zero)
            for payload in unreliableSender.makePayloads(now: .zero) { unreliableReceiver.receive(payload, now: .zero) }
            #expect(unreliableReceiver.drainDelivered() == [DeliveredMessage(channel: ChannelID(2), bytes: [])])
        }
    }
}
