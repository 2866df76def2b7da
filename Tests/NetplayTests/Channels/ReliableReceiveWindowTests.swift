import Testing

@testable import NetplayBase
@testable import NetplayChannels

extension ChannelTests {
    /// The reliable receive window: messages held until they can be released, in a ring that
    /// grows to the farthest one held. Out of order by up to a whole window, across the 16-bit
    /// message numbers' wrap, ordered and unordered.
    @Suite("Reliable receive window")
    struct ReliableReceiveWindowTests {
        /// A channel that has already released `start` messages in order.
        static func channel(ordered: Bool, startingAt start: Int) -> ReliableReceiveChannel {
            var channel = ReliableReceiveChannel(ordered: ordered)
            var released: [DeliveredMessage] = []
            for number in 0..<start { _ = Self.offer(number, to: &channel, released: &released) }
            return channel
        }

        /// Offers message `number` (its body is its number, two bytes) as the receiver would:
        /// assessed, then inserted if accepted. Returns the assessment.
        @discardableResult
        static func offer(
            _ number: Int, to channel: inout ReliableReceiveChannel, released: inout [DeliveredMessage]
        ) -> ReliableReceiveChannel.Assessment {
            let body: [UInt8] = [UInt8(truncatingIfNeeded: number), UInt8(truncatingIfNeeded: number >> 8)]
            let entry = CarriedEntry(
                channel: 0, messageID: UInt16(truncatingIfNeeded: number), fragment: nil, bytes: body)
            let assessment = channel.assess(entry)
            if case .accept(let full, _) = assessment {
                _ = channel.insert(
                    entry, full: full, limit: 1 << 20, now: .zero, channel: ChannelID(0), released: &released)
            }
            return assessment
        }

        static func isAccepted(_ assessment: ReliableReceiveChannel.Assessment) -> Bool {
            if case .accept = assessment { return true }
            return false
        }

        static func numbers(_ released: [DeliveredMessage]) -> [Int] {
            released.map { Int($0.bytes[$0.bytes.startIndex]) | Int($0.bytes[$0.bytes.startIndex + 1]) << 8 }
        }

        @Test("a whole window held in reverse is released in order once its first arrives", arguments: [0, 65_000])
        func reverseWindowOrdered(start: Int) {
            var channel = Self.channel(ordered: true, startingAt: start)
            var released: [DeliveredMessage] = []
            let window = ReliableReceiveChannel.window
            for offset in stride(from: window - 1, through: 1, by: -1) {
                #expect(Self.isAccepted(Self.offer(start + offset, to: &channel, released: &released)))
            }
            #expect(released.isEmpty)
            // Past the window: refused, and held messages stay duplicates.
            #expect(Self.offer(start + window, to: &channel, released: &released) == .outOfWindow)
            #expect(Self.offer(start + 5, to: &channel, released: &released) == .duplicate)
            Self.offer(start, to: &channel, released: &released)
            #expect(Self.numbers(released) == (start..<(start + window)).map { $0 & 0xFFFF })
            #expect(channel.base == Int64(start + window))
            #expect(channel.windowSlots == 0, "the ring is freed once nothing waits")
            // The next in order goes straight through.
            released.removeAll()
            Self.offer(start + window, to: &channel, released: &released)
            #expect(Self.numbers(released) == [(start + window) & 0xFFFF])
        }

        @Test("unordered: each released once as it arrives, duplicates known until the base passes them")
        func scatteredUnordered() {
            var channel = Self.channel(ordered: false, startingAt: 65_530)
            var released: [DeliveredMessage] = []
            // Growing the ring (8, then 16, then 512) while messages are held in it.
            let order = [65_533, 65_531, 65_545, 65_530 + 300, 65_532, 65_536]
            for number in order { Self.offer(number, to: &channel, released: &released) }
            #expect(Self.numbers(released) == order.map { $0 & 0xFFFF })
            for number in order { #expect(Self.offer(number, to: &channel, released: &released) == .duplicate) }
            #expect(channel.base == 65_530)
            Self.offer(65_530, to: &channel, released: &released)
            // 65,530 through 65,533 released now, so the base passes the three held after it.
            #expect(channel.base == 65_534)
            #expect(Self.isAccepted(Self.offer(65_534, to: &channel, released: &released)))
            #expect(channel.base == 65_535)
        }

        @Test("fragments of two messages interleaved out of order reassemble both, in order")
        func interleavedFragments() {
            var channel = ReliableReceiveChannel(ordered: true)
            var released: [DeliveredMessage] = []
            let count = 20
            func piece(message: Int, index: Int) -> CarriedEntry {
                CarriedEntry(
                    channel: 0, messageID: UInt16(message), fragment: .init(index: index, count: count),
                    bytes: [UInt8(message), UInt8(index)])
            }
            // Message 9 (grows the ring past 8) first, then 0, alternating and backwards.
            for index in stride(from: count - 1, through: 0, by: -1) {
                for message in [9, 0] {
                    let entry = piece(message: message, index: index)
                    guard case .accept(let full, _) = channel.assess(entry) else {
                        Issue.record("fragment \(index) of \(message) refused")
                        continue
                    }
                    _ = channel.insert(
                        entry, full: full, limit: 1 << 20, now: .zero, channel: ChannelID(0), released: &released)
                }
            }
            // Message 0 complete and released; 9 complete and held behind 1 through 8.
            #expect(released.map { Array($0.bytes) } == [(0..<count).flatMap { [0, UInt8($0)] }])
            var rest: [DeliveredMessage] = []
            for number in 1...8 { Self.offer(number, to: &channel, released: &rest) }
            #expect(rest.count == 9)
            #expect(rest.last.map { Array($0.bytes) } == (0..<count).flatMap { [9, UInt8($0)] })
        }

        @Test("the ring grows while a partial message is held, and every message still comes out in order")
        func growthWithAPartialHeld() {
            var channel = ReliableReceiveChannel(ordered: true)
            var released: [DeliveredMessage] = []
            func fragment(_ message: Int, _ index: Int) -> CarriedEntry {
                CarriedEntry(
                    channel: 0, messageID: UInt16(message), fragment: .init(index: index, count: 3),
                    bytes: [UInt8(message), UInt8(index)])
            }
            func insert(_ entry: CarriedEntry) {
                guard case .accept(let full, _) = channel.assess(entry) else {
                    Issue.record("refused \(entry.messageID)/\(entry.fragment?.index ?? -1)")
                    return
                }
                _ = channel.insert(
                    entry, full: full, limit: 1 << 20, now: .zero, channel: ChannelID(0), released: &released)
            }
            insert(fragment(1, 0))
            #expect(channel.windowSlots == 8)
            insert(fragment(9, 2))  // 9 is past the 8 slots: the ring grows with 1's assembly in it
            #expect(channel.windowSlots == 16)
            insert(fragment(1, 2))
            insert(fragment(1, 1))
            insert(fragment(9, 0))
            for number in [0, 2, 3, 4, 5, 6, 7, 8] { Self.offer(number, to: &channel, released: &released) }
            #expect(released.count == 9, "0 through 8 out, 9 still missing a piece")
            insert(fragment(9, 1))
            #expect(released.count == 10)
            #expect(released[1].bytes.elementsEqual([1, 0, 1, 1, 1, 2]))
            #expect(released[9].bytes.elementsEqual([9, 0, 9, 1, 9, 2]))
            #expect(channel.windowSlots == 0)
        }

        @Test("the ring's bytes are charged to the receive budget, and given back when it is freed")
        func ringBytesAreCharged() {
            var channel = ReliableReceiveChannel(ordered: true)
            var released: [DeliveredMessage] = []
            let window = ReliableReceiveChannel.window
            let far = CarriedEntry(channel: 0, messageID: UInt16(window - 1), fragment: nil, bytes: [1])
            guard case .accept(let full, let charged) = channel.assess(far) else {
                Issue.record("a message at the window's edge was refused")
                return
            }
            // A one-byte message a window ahead costs a whole ring.
            print("a one-byte message a window ahead is charged \(charged) bytes")
            #expect(charged >= window * 40)
            let (delta, _) = channel.insert(
                far, full: full, limit: 1 << 20, now: .zero, channel: ChannelID(0), released: &released)
            #expect(delta == charged)
            #expect(channel.windowSlots == window)
            var total = delta
            for number in 0..<(window - 1) {
                let body: [UInt8] = [1, 2, 3]
                let entry = CarriedEntry(channel: 0, messageID: UInt16(number), fragment: nil, bytes: body)
                guard case .accept(let full, _) = channel.assess(entry) else { continue }
                total +=
                    channel.insert(
                        entry, full: full, limit: 1 << 20, now: .zero, channel: ChannelID(0), released: &released
                    ).delta
            }
            #expect(released.count == window)
            #expect(channel.windowSlots == 0)
            // What is still charged is the messages' bytes, waiting to be drained (the far one's
            // byte and three for each of the others): the ring's are back.
            #expect(total == 1 + (window - 1) * 3)
        }

        @Test("a sender never runs a window ahead of its oldest unacknowledged message, resends included")
        func senderStaysWithinTheWindow() throws {
            let window = ReliableReceiveChannel.window
            let geometry = ChannelGeometry(ChannelConfig())
            var sender = ChannelEndpoint(now: .zero)
            var receiver = ChannelEndpoint(now: .zero)
            for _ in 0..<(window + 500) { try sender.enqueue([7], on: ChannelID(0), now: .zero) }
            // Every payload carrying message 0 is lost, so the oldest unacknowledged message
            // never moves; the rest arrive and are acknowledged, so the congestion window opens
            // and the sender goes as far as the reliable window lets it, and resends message 0.
            var newest = -1
            var sendsOfZero = 0
            var now = NetInstant.zero
            for _ in 0..<400 {
                for payload in sender.makePayloads(now: now) {
                    let (_, entries) = try PayloadDecoder.decode(
                        payload, layout: .standard, maxFragments: geometry.maxFragments(for:))
                    let numbers = entries.map { Int($0.messageID) }
                    newest = max(newest, numbers.max() ?? -1)
                    if numbers.contains(0) {
                        sendsOfZero += 1
                    } else {
                        receiver.receive(payload, now: now)
                    }
                }
                for payload in receiver.makePayloads(now: now) { sender.receive(payload, now: now) }
                now = now + .milliseconds(5)
            }
            #expect(newest == window - 1)
            #expect(sendsOfZero > 1, "message 0 is resent")
            #expect(receiver.drainDelivered().isEmpty)
        }
    }
}
