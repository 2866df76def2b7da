import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels

extension APITests {
    /// The storage a session's layers hand back for reuse (packet buffers, piece lists, the
    /// event lists `poll()` returns): what is kept, that it comes back empty with its room,
    /// the bounds, and that reuse never changes bytes or events someone else still holds.
    @Suite("Buffer reuse")
    struct BufferReuse {
        @Test("a kept packet buffer comes back empty, with its storage and room")
        func aKeptPacketBufferComesBackEmpty() {
            var stash = PacketBufferStash()
            var bytes = StorageFixtures.bytes(1_200, value: 7)
            let storage = StorageFixtures.storage(of: bytes)
            let capacity = bytes.capacity
            stash.recycle(&bytes)
            #expect(bytes.isEmpty && bytes.capacity == 0)
            #expect(stash.count == 1)
            let taken = stash.take(capacity: 100)
            #expect(taken.isEmpty)
            #expect(taken.capacity == capacity)
            #expect(StorageFixtures.storage(of: taken) == storage)
            #expect(stash.count == 0)
            // Empty: a new buffer with the room asked for.
            #expect(stash.take(capacity: 300).capacity >= 300)
        }

        @Test("packet buffers past the size cap are freed, and the stash stops at its count")
        func thePacketStashIsBounded() {
            var stash = PacketBufferStash()
            var large = StorageFixtures.bytes(PacketBufferStash.maxBufferCapacity + 1, value: 1)
            stash.recycle(&large)
            #expect(large.isEmpty)
            #expect(stash.count == 0)
            for _ in 0..<(PacketBufferStash.maxBuffers + 5) {
                var bytes = StorageFixtures.bytes(64, value: 2)
                stash.recycle(&bytes)
                #expect(bytes.isEmpty)
            }
            #expect(stash.count == PacketBufferStash.maxBuffers)
        }

        @Test("a packet buffer still shared when taken is copied, never changed under its holder")
        func aSharedPacketBufferIsNeverChanged() {
            var stash = PacketBufferStash()
            var bytes = StorageFixtures.bytes(40, value: 5)
            let holder = bytes  // a transport that kept the datagram it sent
            stash.recycle(&bytes)
            var taken = stash.take(capacity: 40)
            taken.append(contentsOf: repeatElement(9, count: 40))
            #expect(holder == Array(repeating: 5, count: 40))
            #expect(StorageFixtures.storage(of: taken) != StorageFixtures.storage(of: holder))
        }

        @Test("a kept piece list holds the next packet's pieces in its storage")
        func aKeptPieceListIsReused() {
            var stash = PieceListStash()
            let pieces = (0..<5).map { PieceReference(channel: 0, messageID: Int64($0), fragment: 0) }
            var acknowledged = stash.copy(of: pieces)
            #expect(acknowledged == pieces)
            let storage = StorageFixtures.storage(of: acknowledged)
            stash.recycle(&acknowledged)
            #expect(acknowledged.isEmpty && stash.count == 1)
            let next = Array(pieces.prefix(3))
            let copy = stash.copy(of: next)
            #expect(copy == next)
            #expect(StorageFixtures.storage(of: copy) == storage)
            #expect(stash.count == 0)
            #expect(stash.copy(of: []).capacity == 0)
        }

        @Test("piece lists past the size cap are freed, and the stash stops at its count")
        func thePieceStashIsBounded() {
            var stash = PieceListStash()
            let piece = PieceReference(channel: 1, messageID: 1, fragment: 0)
            var large = Array(repeating: piece, count: PieceListStash.maxListCapacity + 1)
            stash.recycle(&large)
            #expect(large.isEmpty && stash.count == 0)
            for _ in 0..<(PieceListStash.maxLists + 3) {
                var list = [piece, piece]
                stash.recycle(&list)
            }
            #expect(stash.count == PieceListStash.maxLists)
        }

        static func messages(_ texts: [String]) -> [NetEvent] {
            texts.map { .message(Chat(text: $0), from: NetPeer(PeerID(rawValue: 1))) }
        }

        static func texts(_ events: [NetEvent]) -> [String] {
            events.map { event in
                guard case .message(let message, _) = event, let chat = message as? Chat else { return "?" }
                return chat.text
            }
        }

        @Test("the storage of a batch the game let go of goes back to the core for its next events")
        func aReleasedBatchGoesBackToTheCore() {
            let queue = EventQueue(capacity: 64)
            var incoming = Self.messages(["a", "b", "c"])
            queue.pushMessages(&incoming)
            #expect(incoming.isEmpty)
            var first = queue.poll()
            #expect(Self.texts(first) == ["a", "b", "c"])
            let storage = StorageFixtures.storage(of: first)
            first = []  // the game is done with this frame's events
            var next = Self.messages(["d"])
            queue.pushMessages(&next)
            #expect(next.isEmpty)
            // This poll empties the first batch's storage in place and keeps it…
            #expect(Self.texts(queue.poll()) == ["d"])
            // …and the core's next push gets it back, empty, with its room.
            var later = Self.messages(["e", "f"])
            queue.pushMessages(&later)
            #expect(later.isEmpty)
            #expect(later.capacity >= 3)
            #expect(StorageFixtures.storage(of: later) == storage)
            #expect(Self.texts(queue.poll()) == ["e", "f"])
        }

        @Test(
            "the events sequence hands its spent batches back: the core's next list is one of them",
            .timeLimit(.minutes(1)))
        func theSequencesBatchesComeBackToTheCore() async {
            let queue = EventQueue(capacity: 64)
            var iterator = queue.stream().makeAsyncIterator()
            var first = Self.messages(["a", "b"])
            let firstStorage = StorageFixtures.storage(of: first)
            queue.pushMessages(&first)
            var read: [NetEvent] = []
            for _ in 0..<2 { if let event = await iterator.next() { read.append(event) } }
            #expect(Self.texts(read) == ["a", "b"])
            var second = Self.messages(["c"])
            queue.pushMessages(&second)
            // Taking "c", the reader hands back the list "a" and "b" came in…
            if let event = await iterator.next() { read.append(event) }
            #expect(Self.texts(read) == ["a", "b", "c"])
            // …and the core's next push trades its list for it, emptied, with its room.
            var third = Self.messages(["d"])
            queue.pushMessages(&third)
            #expect(third.isEmpty)
            #expect(third.capacity >= 2)
            #expect(StorageFixtures.storage(of: third) == firstStorage)
            if let event = await iterator.next() { read.append(event) }
            #expect(Self.texts(read) == ["a", "b", "c", "d"])
        }

        @Test("a batch the game keeps is never changed by later polls")
        func aKeptBatchIsNeverChanged() {
            let queue = EventQueue(capacity: 64)
            var batches: [[NetEvent]] = []
            for round in 0..<6 {
                var incoming = Self.messages(["\(round)a", "\(round)b"])
                queue.pushMessages(&incoming)
                batches.append(queue.poll())
            }
            for (round, batch) in batches.enumerated() {
                #expect(Self.texts(batch) == ["\(round)a", "\(round)b"])
            }
        }

        @Test("messages pushed while the game has not polled wait behind the ones before, up to the cap")
        func messagesQueueBehindUnpolledOnes() {
            let queue = EventQueue(capacity: 3)
            var first = Self.messages(["a", "b"])
            queue.pushMessages(&first)
            var second = Self.messages(["c", "d"])
            queue.pushMessages(&second)
            #expect(second.isEmpty)
            #expect(Self.texts(queue.poll()) == ["a", "b", "c"])
            #expect(queue.droppedCount == 1)
        }
    }
}
