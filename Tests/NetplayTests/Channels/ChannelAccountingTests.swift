import Testing

@testable import NetplayBase
@testable import NetplayChannels

extension ChannelTests {
    /// Bounded forms of `netplay attack reassembly` and `netplay attack silent-peer`: what a
    /// peer can make this end hold, and a peer that never acknowledges.
    @Suite("Receive accounting and unresponsive peers")
    struct AccountingTests {
        /// A payload carrying only the first fragment of a maximum-size reliable message.
        static func firstFragment(of message: Int, geometry: ChannelGeometry) -> [UInt8] {
            var writer = PayloadWriter(
                header: PayloadHeader(sequence: UInt16(truncatingIfNeeded: message), ack: 0xFFFF, ackBits: 0),
                capacity: geometry.payloadBytes)
            let count = geometry.maxFragments(for: .reliableOrdered)
            let data = [UInt8](repeating: 0xA5, count: geometry.fragmentBytes)
            _ = writer.append(
                channel: 0, messageID: UInt16(truncatingIfNeeded: message),
                fragment: ChannelEntry.Fragment(index: 0, count: count), bytes: data[...])
            return writer.bytes
        }

        @Test("each started reassembly is charged what it holds, and first fragments stop at the receive budget")
        func reassembliesAreChargedTheirRealFootprint() {
            var config = ChannelConfig()
            config.maxReceiveBufferBytes = 1 << 20
            var endpoint = ChannelEndpoint(config: config, now: .zero)
            let geometry = ChannelGeometry(config)
            let count = geometry.maxFragments(for: .reliableOrdered)
            let perMessage =
                FragmentAssembly.startBytes(count: count) + FragmentAssembly.pieceBytes(geometry.fragmentBytes)
            for message in 0..<ReliableReceiveChannel.window {
                endpoint.receive(Self.firstFragment(of: message, geometry: geometry), now: .zero)
            }
            // Each held message is charged its assembly, and the receive window's ring its
            // growth: messages 0 to k − 1 held take a ring of the next power of two above k − 1.
            func ringBytes(holding held: Int) -> Int {
                guard held > 0 else { return 0 }
                var count = ReliableReceiveChannel.smallestRing
                while count < held { count *= 2 }
                return ReliableReceiveChannel.ringBytes(count: count)
            }
            var stored = 0
            while stored < ReliableReceiveChannel.window,
                (stored + 1) * perMessage + ringBytes(holding: stored + 1) <= config.maxReceiveBufferBytes
            {
                stored += 1
            }
            #expect(stored > 300)
            #expect(endpoint.bufferedBytes == stored * perMessage + ringBytes(holding: stored))
            // The channel's own figure, which `netplay attack reassembly` reports, agrees.
            for held in [0, 1, 8, 9, stored, ReliableReceiveChannel.window] {
                #expect(ReliableReceiveChannel.ringBytes(holding: held) == ringBytes(holding: held))
            }
            #expect(endpoint.drops.refusedReceiveBufferFull == ReliableReceiveChannel.window - stored)
            // What each assembly's arrays really allocated stays within its charge, whatever
            // fragment count a peer announces (a table per announced fragment would not).
            // `netplay attack reassembly` checks the same against a host's RSS.
            for announced in [2, 15, 64, 65, 910] {
                var assembly = FragmentAssembly(count: announced, startedAt: .zero)
                _ = assembly.insert(announced - 1, bytes: [UInt8](repeating: 1, count: geometry.fragmentBytes)[...])
                #expect(assembly.allocatedBytes <= assembly.footprint - FragmentAssembly.slotAllowanceBytes)
                _ = assembly.insert(0, bytes: [UInt8](repeating: 1, count: geometry.fragmentBytes)[...])
                #expect(assembly.allocatedBytes <= assembly.footprint - FragmentAssembly.slotAllowanceBytes)
            }
        }

        @Test("unreliable messages past the receive budget are dropped and counted; the ones before it arrive whole")
        func unreliableMessagesStopAtTheReceiveBudget() throws {
            var config = ChannelConfig()
            config.maxReceiveBufferBytes = 700
            var sender = ChannelEndpoint(now: .zero)
            for value: UInt8 in 1...3 {
                try sender.enqueue([UInt8](repeating: value, count: 300), on: ChannelID(2), now: .zero)
            }
            let payloads = sender.makePayloads(now: .zero)
            try #require(payloads.count == 1)
            var receiver = ChannelEndpoint(config: config, now: .zero)
            receiver.receive(payloads[0], now: .zero)
            // Two fit in 700 bytes until drained; the third is dropped, not left half-listed.
            #expect(receiver.bufferedBytes == 600)
            #expect(receiver.statistics.drops.unreliableBufferFull == 1)
            #expect(
                receiver.drainDelivered() == [
                    DeliveredMessage(channel: ChannelID(2), bytes: [UInt8](repeating: 1, count: 300)),
                    DeliveredMessage(channel: ChannelID(2), bytes: [UInt8](repeating: 2, count: 300)),
                ])
            #expect(receiver.bufferedBytes == 0)
        }

        @Test("reliable data unacknowledged for the limit marks the peer unresponsive; any acknowledgement resets it")
        func silentPeerIsUnresponsive() throws {
            var sender = ChannelEndpoint(now: .zero)
            var receiver = ChannelEndpoint(now: .zero)
            let limit = Duration.seconds(10)
            var now = NetInstant.zero
            try sender.enqueue([1, 2, 3], on: ChannelID(0), now: now)
            // Read outside `#expect`: `isUnresponsive` is `mutating` (it reads in place).
            var unresponsive = sender.isUnresponsive(now: now, after: limit)
            #expect(!unresponsive)
            // Keepalives would flow at the connection layer; no channel payload comes back.
            for _ in 0..<99 {
                _ = sender.makePayloads(now: now)
                now = now + .milliseconds(100)
            }
            unresponsive = sender.isUnresponsive(now: now, after: limit)
            #expect(!unresponsive)
            now = now + .milliseconds(100)
            unresponsive = sender.isUnresponsive(now: now, after: limit)
            #expect(unresponsive)
            // The peer finally hears a resend and acknowledges it: responsive again.
            for _ in 0..<100 where sender.hasUnackedReliableData {
                for payload in sender.makePayloads(now: now) { receiver.receive(payload, now: now) }
                for payload in receiver.makePayloads(now: now) { sender.receive(payload, now: now) }
                now = now + .milliseconds(100)
            }
            unresponsive = sender.isUnresponsive(now: now, after: limit)
            #expect(!sender.hasUnackedReliableData && !unresponsive)
        }
    }
}
