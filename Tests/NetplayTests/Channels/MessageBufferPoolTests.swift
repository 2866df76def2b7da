import Testing

@testable import NetplayBase
@testable import NetplayChannels

extension ChannelTests {
    /// The storage of messages the channels are done with, kept for the next ones a session
    /// encodes: what is kept, when a channel lets a message go, and that reuse never changes
    /// bytes someone else still holds.
    @Suite("Message buffer pool")
    struct MessageBufferPoolTests {
        /// Enqueues a new message of `count` bytes, keeping no copy of it; returns where its
        /// bytes are stored.
        static func enqueueFresh(
            _ count: Int, value: UInt8, on channel: ChannelID, into endpoint: inout ChannelEndpoint
        ) throws -> UnsafeRawPointer? {
            let bytes = StorageFixtures.bytes(count, value: value)
            let storage = StorageFixtures.storage(of: bytes)
            try endpoint.enqueue(bytes, on: channel, now: .zero, recyclable: true)
            return storage
        }

        @Test("a kept buffer comes back empty with its room; its cost is counted and given back")
        func aKeptBufferComesBackEmptyWithItsRoom() {
            var pool = MessageBufferPool()
            var bytes = StorageFixtures.bytes(17, value: 9)
            let storage = StorageFixtures.storage(of: bytes)
            let capacity = bytes.capacity
            pool.recycle(&bytes)
            #expect(bytes.isEmpty)
            #expect(pool.count == 1)
            #expect(pool.heldBytes == MessageBufferPool.heldCost(ofCapacity: capacity))
            let taken = pool.take()
            #expect(taken.isEmpty)
            #expect(taken.capacity == capacity)
            #expect(StorageFixtures.storage(of: taken) == storage)
            #expect(pool.heldBytes == 0)
            #expect(pool.take().capacity == 0)
        }

        @Test("large buffers are not kept, and the pool stops at its byte budget")
        func thePoolIsBounded() {
            var pool = MessageBufferPool()
            var large = StorageFixtures.bytes(MessageBufferPool.maxBufferCapacity + 1, value: 1)
            pool.recycle(&large)
            #expect(large.isEmpty)
            #expect(pool.isEmpty)
            var offered = 0
            while offered < 2_000 {
                var bytes = StorageFixtures.bytes(40, value: 2)
                pool.recycle(&bytes)
                offered += 1
            }
            // Full: no room for one more, and never past the budget.
            let cost = MessageBufferPool.heldCost(ofCapacity: StorageFixtures.bytes(40, value: 2).capacity)
            #expect(pool.heldBytes <= MessageBufferPool.maxHeldBytes)
            #expect(pool.heldBytes + cost > MessageBufferPool.maxHeldBytes)
            #expect(pool.count < 2_000)
            var other = MessageBufferPool()
            var more = StorageFixtures.bytes(16, value: 3)
            other.recycle(&more)
            pool.absorb(&other)
            #expect(other.isEmpty)
            #expect(other.heldBytes == 0)
            #expect(pool.heldBytes <= MessageBufferPool.maxHeldBytes)
        }

        @Test("absorbing into an empty pool takes the whole list; into a full one, buffer by buffer")
        func absorbMovesEveryBuffer() {
            var spares = MessageBufferPool()
            var returned = MessageBufferPool()
            for value in 0..<5 {
                var bytes = StorageFixtures.bytes(16, value: UInt8(value))
                returned.recycle(&bytes)
            }
            let held = returned.heldBytes
            spares.absorb(&returned)
            #expect(spares.count == 5)
            #expect(spares.heldBytes == held)
            #expect(returned.isEmpty)
            var again = StorageFixtures.bytes(16, value: 7)
            returned.recycle(&again)
            spares.absorb(&returned)
            #expect(spares.count == 6)
            #expect(returned.isEmpty)
            #expect(returned.heldBytes == 0)
        }

        @Test("a reliable message's storage comes back once every piece is acknowledged, not before")
        func aReliableMessageComesBackWhenAcknowledged() throws {
            var sender = ChannelEndpoint(now: .zero)
            var receiver = ChannelEndpoint(now: .zero)
            // The channel holds the only copy, as it does a session's: a buffer still shared
            // would be copied when taken (see the last test).
            let storages = try Set(
                (0..<3).map { try Self.enqueueFresh(16, value: UInt8($0), on: ChannelTests.reliable, into: &sender) })
            var pool = MessageBufferPool()
            var pieces: [PieceReference] = []
            let sent = sender.makePayloads(now: .zero, pieceScratch: &pieces, recycling: &pool)
            #expect(sent.count == 1)
            #expect(pool.isEmpty, "sent but not acknowledged: the channel still needs it for a resend")
            for payload in sent { receiver.receive(payload, now: ChannelTests.at(milliseconds: 1)) }
            #expect(
                receiver.drainDelivered().map { Array($0.bytes) }
                    == (0..<3).map { StorageFixtures.bytes(16, value: UInt8($0)) })
            // Past the ack hold (15 ms), the receiver acknowledges on its own.
            let acks = receiver.makePayloads(now: ChannelTests.at(milliseconds: 20))
            #expect(acks.count == 1)
            for ack in acks { sender.receive(ack, now: ChannelTests.at(milliseconds: 21), recycling: &pool) }
            #expect(pool.count == 3)
            var returned: Set<UnsafeRawPointer?> = []
            while !pool.isEmpty { returned.insert(StorageFixtures.storage(of: pool.take())) }
            #expect(returned == storages)
        }

        @Test("an unreliable message's storage comes back once it is written into a payload")
        func anUnreliableMessageComesBackWhenSent() throws {
            var sender = ChannelEndpoint(now: .zero)
            let storage = try Self.enqueueFresh(16, value: 5, on: ChannelTests.unreliable, into: &sender)
            var pool = MessageBufferPool()
            var pieces: [PieceReference] = []
            let sent = sender.makePayloads(now: .zero, pieceScratch: &pieces, recycling: &pool)
            #expect(sent.count == 1)
            #expect(pool.count == 1)
            #expect(StorageFixtures.storage(of: pool.take()) == storage)
        }

        @Test("a fragmented message comes back only after its last fragment is written")
        func aFragmentedMessageComesBackAfterItsLastFragment() throws {
            var config = ChannelConfig()
            config.maxPayloadBytes = ChannelConfig.minimumPayloadBytes
            let geometry = ChannelGeometry(config)
            let message = StorageFixtures.bytes(50, value: 6)
            let fragments = geometry.fragmentCount(for: message.count)
            try #require(fragments >= 2)
            try #require(message.capacity <= MessageBufferPool.maxBufferCapacity)
            var channel = UnreliableSendChannel()
            channel.enqueue(message, geometry: geometry, recyclable: true)
            var pool = MessageBufferPool()
            for fragment in 0..<fragments {
                var writer = PayloadWriter(
                    header: PayloadHeader(sequence: UInt16(fragment), ack: 0xFFFF, ackBits: 0),
                    capacity: geometry.payloadBytes)
                channel.fill(&writer, channel: ChannelTests.unreliable.index, geometry: geometry, recycling: &pool)
                #expect(writer.entryCount == 1)
                #expect(pool.count == (fragment == fragments - 1 ? 1 : 0), "after fragment \(fragment)")
            }
            #expect(channel.queuedBytes == 0)
        }

        @Test("a reliable message acknowledged out of order comes back only when the ones before it are")
        func aReliableMessageAcknowledgedOutOfOrderWaitsForTheOnesBefore() throws {
            var sender = ChannelEndpoint(now: .zero)
            var receiver = ChannelEndpoint(now: .zero)
            var pool = MessageBufferPool()
            var pieces: [PieceReference] = []
            _ = try Self.enqueueFresh(16, value: 0, on: ChannelTests.reliable, into: &sender)
            let first = sender.makePayloads(now: .zero, pieceScratch: &pieces, recycling: &pool)
            _ = try Self.enqueueFresh(16, value: 1, on: ChannelTests.reliable, into: &sender)
            let second = sender.makePayloads(now: .zero, pieceScratch: &pieces, recycling: &pool)
            try #require(first.count == 1 && second.count == 1)
            // The first packet is late: only the second is acknowledged.
            receiver.receive(second[0], now: ChannelTests.at(milliseconds: 1))
            for ack in receiver.makePayloads(now: ChannelTests.at(milliseconds: 20)) {
                sender.receive(ack, now: ChannelTests.at(milliseconds: 21), recycling: &pool)
            }
            #expect(pool.isEmpty, "message 1 is acknowledged, but message 0 is still owed and ahead of it")
            receiver.receive(first[0], now: ChannelTests.at(milliseconds: 22))
            for ack in receiver.makePayloads(now: ChannelTests.at(milliseconds: 40)) {
                sender.receive(ack, now: ChannelTests.at(milliseconds: 41), recycling: &pool)
            }
            #expect(pool.count == 2)
        }

        @Test("a fragmented reliable message comes back only once every fragment is acknowledged")
        func aFragmentedReliableMessageWaitsForEveryFragment() throws {
            var config = ChannelConfig()
            config.maxPayloadBytes = ChannelConfig.minimumPayloadBytes
            var sender = ChannelEndpoint(config: config, now: .zero)
            var receiver = ChannelEndpoint(config: config, now: .zero)
            let message = StorageFixtures.bytes(50, value: 7)
            try #require(ChannelGeometry(config).fragmentCount(for: message.count) >= 2)
            try #require(message.capacity <= MessageBufferPool.maxBufferCapacity)
            try sender.enqueue(message, on: ChannelTests.reliable, now: .zero, recyclable: true)
            var pool = MessageBufferPool()
            var pieces: [PieceReference] = []
            let sent = sender.makePayloads(now: .zero, pieceScratch: &pieces, recycling: &pool)
            try #require(sent.count >= 2)
            // Only the first fragment's packet arrives and is acknowledged.
            receiver.receive(sent[0], now: ChannelTests.at(milliseconds: 1))
            for ack in receiver.makePayloads(now: ChannelTests.at(milliseconds: 20)) {
                sender.receive(ack, now: ChannelTests.at(milliseconds: 21), recycling: &pool)
            }
            #expect(pool.isEmpty)
            for payload in sent.dropFirst() { receiver.receive(payload, now: ChannelTests.at(milliseconds: 22)) }
            #expect(receiver.drainDelivered().map { Array($0.bytes) } == [StorageFixtures.bytes(50, value: 7)])
            for ack in receiver.makePayloads(now: ChannelTests.at(milliseconds: 40)) {
                sender.receive(ack, now: ChannelTests.at(milliseconds: 41), recycling: &pool)
            }
            #expect(pool.count == 1)
        }

        @Test("a message its caller shares (several recipients) is never pooled")
        func aSharedMessageIsNotPooled() throws {
            var sender = ChannelEndpoint(now: .zero)
            try sender.enqueue(StorageFixtures.bytes(16, value: 9), on: ChannelTests.unreliable, now: .zero)
            var pool = MessageBufferPool()
            var pieces: [PieceReference] = []
            let sent = sender.makePayloads(now: .zero, pieceScratch: &pieces, recycling: &pool)
            #expect(sent.count == 1)
            #expect(pool.isEmpty)
        }

        @Test("a buffer shared with another holder is never changed under it: taking it makes a copy")
        func aSharedBufferIsNeverChangedUnderItsOtherHolder() {
            var pool = MessageBufferPool()
            var bytes = StorageFixtures.bytes(16, value: 8)
            let otherRecipient = bytes
            pool.recycle(&bytes)
            var reused = pool.take()
            reused.append(contentsOf: StorageFixtures.bytes(16, value: 1))
            #expect(otherRecipient == StorageFixtures.bytes(16, value: 8))
            #expect(StorageFixtures.storage(of: reused) != StorageFixtures.storage(of: otherRecipient))
        }
    }
}
