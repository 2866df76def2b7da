/// The machinery of one ``ChannelSoak`` run: message generation, the event loop and the
/// receiver's checks.
struct SoakRun {
    private let configuration: ChannelSoak.Configuration
    private let kinds: [ChannelKind]
    private var network: MemoryNetwork
    private var sender: ChannelEndpoint
    private var receiver: ChannelEndpoint
    private let senderAddress = PeerAddress.memory(node: 1, port: 1)
    private let receiverAddress = PeerAddress.memory(node: 2, port: 2)
    private var now = NetInstant.zero
    /// Per channel: messages it must send, serial of the next one.
    private var quota: [Int]
    private var nextSerial: [Int]
    /// Per channel: which serials arrived, the next expected (ordered) or newest (sequenced).
    private var seen: [[Bool]]
    private var expected: [Int]
    private var counts: [ChannelKind: ChannelSoak.KindCounts] = [:]
    private var violations: [String] = []
    private var violationCount = 0

    init(_ configuration: ChannelSoak.Configuration) {
        self.configuration = configuration
        kinds = configuration.layout.kinds
        network = MemoryNetwork(seed: configuration.seed, defaultImpairment: configuration.impairment)
        var config = configuration.channelConfig
        config.layout = configuration.layout
        sender = ChannelEndpoint(config: config, now: .zero)
        receiver = ChannelEndpoint(config: config, now: .zero)
        let channels = max(kinds.count, 1)
        quota = (0..<kinds.count).map { configuration.messageCount / channels + ($0 < configuration.messageCount % channels ? 1 : 0) }
        nextSerial = Array(repeating: 0, count: kinds.count)
        seen = quota.map { Array(repeating: false, count: $0) }
        expected = kinds.map { $0 == .unreliableSequenced ? -1 : 0 }
    }

    mutating func execute() {
        guard let senderSocket = try? network.bind(senderAddress), let receiverSocket = try? network.bind(receiverAddress) else {
            violation("could not bind the memory network")
            return
        }
        let limit = NetInstant.zero + configuration.virtualTimeLimit
        while now < limit {
            feed()
            for payload in sender.makePayloads(now: now) { network.send(from: senderAddress, to: receiverAddress, bytes: payload) }
            for payload in receiver.makePayloads(now: now) { network.send(from: receiverAddress, to: senderAddress, bytes: payload) }
            if isFinished { return }
            let candidates = [network.nextDeliveryTime, sender.nextWakeup, receiver.nextWakeup].compactMap { $0 }
            let next = max(candidates.min() ?? now + Self.idleStep, now + Self.minimumStep)
            network.advance(to: next)
            now = next
            for datagram in network.receive(on: receiverSocket) { receiver.receive(datagram.bytes, now: now) }
            for datagram in network.receive(on: senderSocket) { sender.receive(datagram.bytes, now: now) }
            for message in receiver.drainDelivered() { check(message) }
        }
        violation("not finished after \(configuration.virtualTimeLimit) of virtual time")
    }

    private var isFinished: Bool {
        nextSerial == quota && !sender.hasUnackedReliableData
            && sender.statistics.queues.allSatisfy { $0.messages == 0 }
    }

    /// Enqueues on every channel until its queue is full or its quota sent.
    private mutating func feed() {
        for channel in kinds.indices {
            while nextSerial[channel] < quota[channel] {
                let message = Self.message(channel: channel, serial: nextSerial[channel], kind: kinds[channel], configuration: configuration)
                do {
                    try sender.enqueue(message, on: ChannelID(UInt8(channel)), now: now)
                } catch {
                    break
                }
                nextSerial[channel] += 1
                counts[kinds[channel], default: .init()].sent += 1
            }
        }
    }

    private mutating func check(_ message: DeliveredMessage) {
        let channel = Int(message.channel.index)
        guard channel < kinds.count else { return violation("delivery on unknown \(message.channel)") }
        let kind = kinds[channel]
        guard let serial = Self.serial(of: message.bytes), serial < nextSerial[channel],
              message.bytes == Self.message(channel: channel, serial: serial, kind: kind, configuration: configuration) else {
            counts[kind, default: .init()].corrupted += 1
            return violation("\(message.channel): \(message.bytes.count) bytes that were never sent")
        }
        if seen[channel][serial] {
            counts[kind, default: .init()].duplicated += 1
            return violation("\(message.channel): message \(serial) delivered twice")
        }
        seen[channel][serial] = true
        counts[kind, default: .init()].delivered += 1
        switch kind {
        case .reliableOrdered:
            if serial != expected[channel] {
                counts[kind, default: .init()].outOfOrder += 1
                violation("\(message.channel): message \(serial) delivered when \(expected[channel]) was due")
            }
            expected[channel] = serial + 1
        case .unreliableSequenced:
            if serial <= expected[channel] {
                counts[kind, default: .init()].outOfOrder += 1
                violation("\(message.channel): sequenced message \(serial) after \(expected[channel])")
            }
            expected[channel] = max(expected[channel], serial)
        case .reliableUnordered, .unreliable:
            break
        }
    }

    private mutating func violation(_ text: String) {
        violationCount += 1
        if violations.count < Self.maxViolationsKept { violations.append(text) }
    }

    mutating func report() -> ChannelSoak.Report {
        for channel in kinds.indices where kinds[channel].isReliable {
            let missing = seen[channel].lazy.filter { !$0 }.count
            if missing > 0 { violation("channel \(channel): \(missing) reliable messages never delivered") }
        }
        return ChannelSoak.Report(
            counts: counts, violations: violations, violationCount: violationCount,
            virtualDuration: now - .zero,
            senderStatistics: sender.statistics, receiverStatistics: receiver.statistics
        )
    }

    /// Message `serial` of `channel`: the serial (4 bytes, little-endian) then filler derived
    /// from a hash, so the receiver can rebuild and compare every byte.
    static func message(channel: Int, serial: Int, kind: ChannelKind, configuration: ChannelSoak.Configuration) -> [UInt8] {
        var state = configuration.seed ^ UInt64(channel) << 48 ^ UInt64(serial)
        let hash = DeterministicRandom.splitMix64(&state)
        let large = configuration.largeMessageEvery > 0 && hash % UInt64(configuration.largeMessageEvery) == 0
        let length = large
            ? Self.largeMessageBytes.lowerBound + Int(hash >> 32 % UInt64(Self.largeMessageBytes.count))
            : Self.smallMessageBytes.lowerBound + Int(hash >> 32 % UInt64(Self.smallMessageBytes.count))
        var bytes = (0..<4).map { UInt8(truncatingIfNeeded: serial >> ($0 * 8)) }
        bytes.reserveCapacity(length)
        for index in 4..<length { bytes.append(UInt8(truncatingIfNeeded: hash >> UInt64(index % 8 * 8)) ^ UInt8(truncatingIfNeeded: index)) }
        return bytes
    }

    static func serial(of bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0..<4).reduce(0) { $0 | Int(bytes[$1]) << ($1 * 8) }
    }

    /// Game-event sized: a few bytes to a few dozen.
    static let smallMessageBytes = 4..<48
    /// Two to four payloads' worth, so fragmentation is always exercised.
    static let largeMessageBytes = 1_500..<4_000
    /// The loop's time resolution: deliveries within a millisecond are handled together, as
    /// a game polling at 1 kHz would.
    static let minimumStep = Duration.milliseconds(1)
    static let idleStep = Duration.milliseconds(10)
    static let maxViolationsKept = 20
}
