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
    @Suite("Delivery")
    struct DeliveryTests {
        static let lossy10 = LinkImpairment(
            latency: .milliseconds(40), jitter: .milliseconds(10), lossProbability: 0.10)

        @Test("a 1 MiB reliable message arrives intact under 10% loss")
        func oneMebibyteUnderLoss() throws {
            var pair = ChannelPair(aToB: Self.lossy10)
            var random = TestRandom(seed: 3)
            let message = random.bytes(1 << 20)
            try pair.a.enqueue(message, on: ChannelID(0), now: pair.now)
            let arrived = pair.run(for: .seconds(600)) { !$0.deliveredAtB.isEmpty && !$0.a.hasUnackedReliableData }
            #expect(arrived)
            #expect(pair.deliveredAtB.count == 1)
            #expect(pair.deliveredAtB.first.map { Array($0.bytes) } == message)
            #expect(pair.a.statistics.totals.resentPieces > 0)
            #expect(pair.b.statistics.receiveBufferedBytes == 0)
            print(
                "1 MiB at 10% loss, 80 ms RTT: \(pair.now) virtual, \(pair.a.statistics.totals.resentPieces) fragments resent"
            )
        }

        /// `enqueueIfRoom(taking:)` moves the bytes out only when it queues them: the session's
        /// backlog keeps a message the full channel left, and must find it whole.
        @Test("a channel takes the bytes it queues and leaves those it has no room for", arguments: [16, 300])
        func takesOnlyWhatItQueues(byteCount: Int) throws {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = MessageBytes.queueCharge(forByteCount: byteCount)
            var pair = ChannelPair(config: config, aToB: LinkImpairment(latency: .milliseconds(10)))
            let first = Array(repeating: UInt8(1), count: byteCount)
            let second = Array(repeating: UInt8(2), count: byteCount)
            var offered = MessageBytes(first)
            #expect(try pair.a.enqueueIfRoom(taking: &offered, on: ChannelID(0), now: pair.now))
            #expect(offered.count == 0)
            var waiting = MessageBytes(second)
            #expect(try !pair.a.enqueueIfRoom(taking: &waiting, on: ChannelID(0), now: pair.now))
            #expect(waiting.array == second)
            let drained = pair.run(for: .seconds(5)) { !$0.a.hasUnackedReliableData }
            #expect(drained)
            #expect(try pair.a.enqueueIfRoom(taking: &waiting, on: ChannelID(0), now: pair.now))
            #expect(waiting.count == 0)
            _ = pair.run(for: .seconds(5)) { $0.deliveredAtB.count == 2 }
            #expect(pair.deliveredAtB.map { Array($0.bytes) } == [first, second])
        }

        /// A queue keeps some 56–88 bytes for each message besides its bytes: a small message
        /// is charged 64 against the cap, so a flood of them cannot hold several times the memory
        /// the cap says; a larger one is charged its bytes, so two of the largest still fit.
        @Test("a channel's cap counts each small message as 64 bytes and a larger one as its bytes")
        func smallMessagesAreChargedTheirBookkeeping() throws {
            let charge = MessageBytes.minimumQueueCharge
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 10 * charge
            var small = ChannelEndpoint(config: config, now: .zero)
            var accepted = 0
            let message = [UInt8](repeating: 1, count: 16)
            while accepted < 1_000, (try? small.enqueue(message, on: ChannelID(0), now: .zero)) != nil { accepted += 1 }
            #expect(accepted == 10)
            #expect(small.statistics.queues[0].bytes == 10 * message.count)
            // Charged its 575 bytes, then 64 for one byte: 639 of 640, and no room for another.
            var large = ChannelEndpoint(config: config, now: .zero)
            try large.enqueue([UInt8](repeating: 2, count: 9 * charge - 1), on: ChannelID(0), now: .zero)
            try large.enqueue([UInt8](repeating: 3, count: 1), on: ChannelID(0), now: .zero)
            #expect(throws: ChannelSendError.queueFull(ChannelID(0))) {
                try large.enqueue([4], on: ChannelID(0), now: .zero)
            }
        }

        @Test("messages larger than the reliable cap are refused with the limit")
        func tooLarge() {
            var endpoint = ChannelEndpoint(now: .zero)
            #expect(throws: ChannelSendError.messageTooLarge(bytes: (1 << 20) + 1, limit: 1 << 20)) {
                try endpoint.enqueue(Array(repeating: 0, count: (1 << 20) + 1), on: ChannelID(0), now: .zero)
            }
            #expect(throws: ChannelSendError.unknownChannel(ChannelID(9))) {
                try endpoint.enqueue([1], on: ChannelID(9), now: .zero)
            }
        }

        @Test("a receiver that stops draining makes the sender's queue full, with memory bounded")
        func stalledReceiverFillsSenderQueue() {
            var config = ChannelConfig()
            config.maxQueuedBytesPerChannel = 256 << 10
            config.maxReceiveBufferBytes = 512 << 10
            var pair = ChannelPair(config: config, aToB: LinkImpairment(latency: .milliseconds(20)))
            pair.collectAtB = false
            var full = false
            var enqueued = 0
            var maxBuffered = 0
            for _ in 0..<20_000 where !full {
                do {
                    for _ in 0..<8 {
                        try pair.a.enqueue(
                            Array(repeating: UInt8(truncatingIfNeeded: enqueued), count: 1000), on: ChannelID(0),
                            now: pair.now)
                        enqueued += 1
                    }
                } catch {
                    #expect(error == .queueFull(ChannelID(0)))
                    full = true
                }
                pair.step()
                maxBuffered = max(maxBuffered, pair.b.statistics.receiveBufferedBytes)
            }
            #expect(full)
            // Keep going a while: the sender must stay full and the receiver bounded.
            pair.run(for: .seconds(30))
            let stats = pair.b.statistics
            maxBuffered = max(maxBuffered, stats.receiveBufferedBytes)
            #expect(maxBuffered <= config.maxReceiveBufferBytes)
            #expect(stats.drops.refusedReceiveBufferFull > 0)
            #expect(pair.a.statistics.queues[0].bytes <= config.maxQueuedBytesPerChannel)
            #expect(throws: ChannelSendError.queueFull(ChannelID(0))) {
                try pair.a.enqueue(Array(repeating: 0, count: 1000), on: ChannelID(0), now: pair.now)
            }
            // Draining resumes the flow and every message arrives, in order, once.
            pair.collectAtB = true
            let done = pair.run(for: .seconds(60)) { !$0.a.hasUnackedReliableData }
            #expect(done)
            #expect(pair.deliveredAtB.count == enqueued)
            #expect(pair.deliveredAtB.enumerated().allSatisfy { $1.bytes.first == UInt8(truncatingIfNeeded: $0) })
            print(
                "stalled receiver: \(enqueued) enqueued before full, receive buffer peaked at \(maxBuffered) bytes, \(stats.drops.refusedReceiveBufferFull) payloads refused"
            )
        }

        @Test("a reliable channel stalled on a huge message does not delay other channels")
        func stalledChannelDoesNotBlockOthers() throws {
            var pair = ChannelPair(aToB: Self.lossy10)
            // Two of the largest messages: 10 % loss no longer throttles the window to a
            // crawl, so one alone can finish before the small ones are all sent.
            for _ in 0..<2 { try pair.a.enqueue(Array(repeating: 7, count: 1 << 20), on: ChannelID(0), now: pair.now) }
            var sentAt: [Int: NetInstant] = [:]
            var worst = Duration.zero
            var serial = 0
            while pair.now < .seconds(5) {
                if serial < 200, pair.now >= .seconds(0.02 * Double(serial)) {
                    try pair.a.enqueue([UInt8(serial & 0xFF), UInt8(serial >> 8)], on: ChannelID(1), now: pair.now)
                    sentAt[serial] = pair.now
                    serial += 1
                }
                pair.step()
                for message in pair.deliveredAtB where message.channel == ChannelID(1) {
                    let bytes = Array(message.bytes)
                    let id = Int(bytes[0]) | Int(bytes[1]) << 8
                    if let start = sentAt.removeValue(forKey: id) { worst = max(worst, pair.now - start) }
                }
                pair.deliveredAtB.removeAll()
            }
            #expect(sentAt.isEmpty, "\(sentAt.count) small messages still missing")
            #expect(pair.a.hasUnackedReliableData, "the big message should still be in flight")
            // 40 ms one way, 10 % loss: a message needing three resends takes about a second.
            #expect(worst < .seconds(1.5))
            print("small messages beside a 1 MiB transfer: worst latency \(worst)")
        }
    }
}
