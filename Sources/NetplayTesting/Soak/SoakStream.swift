import NetplayBase
import NetplayChannels

/// One direction of a ``ChannelSoak``: what the sending side must send on each channel and
/// what the receiving side has seen, with the checks every delivery must pass.
package struct SoakStream: Sendable {
    private let kinds: [ChannelKind]
    private let seed: UInt64
    private let largeMessageEvery: Int
    /// Per channel: messages to send, serial of the next one.
    private let quota: [Int]
    private var nextSerial: [Int]
    /// Per channel: which serials arrived; next expected (ordered) or newest (sequenced).
    private var seen: [[Bool]]
    private var expected: [Int]
    package private(set) var counts: [ChannelKind: ChannelSoak.KindCounts] = [:]
    package private(set) var violations: [String] = []
    package private(set) var violationCount = 0

    package init(kinds: [ChannelKind], messageCount: Int, seed: UInt64, largeMessageEvery: Int) {
        self.kinds = kinds
        self.seed = seed
        self.largeMessageEvery = largeMessageEvery
        let channels = max(kinds.count, 1)
        quota = (0..<kinds.count).map { messageCount / channels + ($0 < messageCount % channels ? 1 : 0) }
        nextSerial = Array(repeating: 0, count: kinds.count)
        seen = quota.map { Array(repeating: false, count: $0) }
        expected = kinds.map { $0 == .unreliableSequenced ? -1 : 0 }
    }

    var allEnqueued: Bool { nextSerial == quota }

    /// Enqueues on every channel until its queue is full or its quota sent.
    package mutating func feed(_ sender: inout ChannelEndpoint, now: NetInstant) {
        for channel in kinds.indices {
            while nextSerial[channel] < quota[channel] {
                let message = message(channel: channel, serial: nextSerial[channel])
                guard (try? sender.enqueue(message, on: ChannelID(UInt8(channel)), now: now)) != nil else { break }
                nextSerial[channel] += 1
                counts[kinds[channel], default: .init()].sent += 1
            }
        }
    }

    package mutating func check(_ delivery: DeliveredMessage) {
        let channel = Int(delivery.channel.index)
        guard channel < kinds.count else { return violation("delivery on unknown \(delivery.channel)") }
        let kind = kinds[channel]
        guard let serial = Self.serial(of: delivery.bytes), serial < nextSerial[channel],
            delivery.bytes.elementsEqual(message(channel: channel, serial: serial))
        else {
            counts[kind, default: .init()].corrupted += 1
            return violation("\(delivery.channel): \(delivery.bytes.count) bytes that were never sent")
        }
        if seen[channel][serial] {
            counts[kind, default: .init()].duplicated += 1
            return violation("\(delivery.channel): message \(serial) delivered twice")
        }
        seen[channel][serial] = true
        counts[kind, default: .init()].delivered += 1
        switch kind {
        case .reliableOrdered:
            if serial != expected[channel] {
                counts[kind, default: .init()].outOfOrder += 1
                violation("\(delivery.channel): message \(serial) delivered when \(expected[channel]) was due")
            }
            expected[channel] = serial + 1
        case .unreliableSequenced:
            if serial <= expected[channel] {
                counts[kind, default: .init()].outOfOrder += 1
                violation("\(delivery.channel): sequenced message \(serial) after \(expected[channel])")
            }
            expected[channel] = max(expected[channel], serial)
        case .reliableUnordered, .unreliable:
            break
        }
    }

    /// Records a violation that is not about one delivery.
    package mutating func violation(_ text: String) {
        violationCount += 1
        if violations.count < Self.maxViolationsKept { violations.append(text) }
    }

    /// Flags reliable messages that never arrived; call once, at the end.
    mutating func checkCompleteness() {
        for channel in kinds.indices where kinds[channel].isReliable {
            let missing = seen[channel].lazy.filter { !$0 }.count
            if missing > 0 { violation("channel \(channel): \(missing) reliable messages never delivered") }
        }
    }

    /// Message `serial` of `channel`: the serial (4 bytes, little-endian) then filler derived
    /// from a hash, so the receiver can rebuild and compare every byte.
    package func message(channel: Int, serial: Int) -> [UInt8] {
        var state = seed ^ UInt64(channel) << 48 ^ UInt64(serial)
        let hash = DeterministicRandom.splitMix64(&state)
        let large = largeMessageEvery > 0 && hash % UInt64(largeMessageEvery) == 0
        let sizes = large ? Self.largeMessageBytes : Self.smallMessageBytes
        let length = sizes.lowerBound + Int((hash >> 32) % UInt64(sizes.count))
        var bytes = (0..<4).map { UInt8(truncatingIfNeeded: serial >> ($0 * 8)) }
        bytes.reserveCapacity(length)
        for index in 4..<length {
            bytes.append(UInt8(truncatingIfNeeded: hash >> UInt64(index % 8 * 8)) ^ UInt8(truncatingIfNeeded: index))
        }
        return bytes
    }

    static func serial(of bytes: ArraySlice<UInt8>) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0..<4).reduce(0) { $0 | Int(bytes[bytes.startIndex + $1]) << ($1 * 8) }
    }

    /// Game-event sized: a few bytes to a few dozen.
    static let smallMessageBytes = 4..<48
    /// Two to four payloads' worth, so fragmentation is always exercised.
    static let largeMessageBytes = 1_500..<4_000
    static let maxViolationsKept = 20
}
