// ┌──────────────────────────────────────────────────────────────────────────────────────┐
// │ DELETE THIS FILE WHEN BRANCH `channels` MERGES.                                       │
// │ A minimal stand-in for `Sources/Netplay/Channels/` with the agreed signatures, so the │
// │ API layer compiles and its tests run before the real channel layer lands. It has no  │
// │ reliability, ordering, acks, RTT or fragmentation: one message becomes one payload   │
// │ `[channel index, message bytes…]`. API tests rely on it only over loss-free links.   │
// └──────────────────────────────────────────────────────────────────────────────────────┘

/// How a channel delivers (stand-in; see the banner).
public enum ChannelKind: Sendable, Hashable {
    case reliableOrdered, reliableUnordered, unreliable, unreliableSequenced
}

/// A channel's index in a ``ChannelLayout`` (stand-in; see the banner).
public struct ChannelID: Hashable, Sendable {
    public let index: UInt8
    public init(_ index: UInt8) { self.index = index }
}

/// The channels a connection has (stand-in; see the banner).
public struct ChannelLayout: Sendable, Hashable {
    public var kinds: [ChannelKind]
    public init(_ kinds: [ChannelKind]) { self.kinds = kinds }
    public static let standard = ChannelLayout([.reliableOrdered, .reliableUnordered, .unreliable, .unreliableSequenced])
}

/// Channel limits (stand-in; see the banner).
public struct ChannelConfig: Sendable {
    public var layout = ChannelLayout.standard
    public var maxPayloadBytes = 1172
    public var maxReliableMessageBytes = 1 << 20
    public var maxUnreliableMessageBytes = 1171
    public var maxQueuedBytesPerChannel = 256 * 1024
    public var bandwidthCap: Int?
    public init() {}
}

/// Why a channel refused a message (stand-in; see the banner).
public enum ChannelSendError: Error, Sendable, Hashable {
    case queueFull(ChannelID)
    case messageTooLarge(bytes: Int, limit: Int)
    case unknownChannel(ChannelID)
}

/// A message a channel delivered (stand-in; see the banner).
public struct DeliveredMessage: Sendable, Hashable {
    public var channel: ChannelID
    public var bytes: [UInt8]
}

/// Channel figures (stand-in; see the banner: the real one measures these).
public struct ChannelStatistics: Sendable, Hashable {
    public var smoothedRoundTrip: Duration = .zero
    public var packetLossSent: Double = 0
    public var bytesSentPerSecond: Double = 0
    public var bytesReceivedPerSecond: Double = 0
}

/// One peer's channels (stand-in; see the banner).
public struct ChannelEndpoint: Sendable {
    private let config: ChannelConfig
    private var queued: [[UInt8]] = []
    private var queuedBytes = 0
    private var delivered: [DeliveredMessage] = []
    public private(set) var statistics = ChannelStatistics()

    public init(config: ChannelConfig = ChannelConfig(), now: NetInstant) { self.config = config }

    public mutating func enqueue(_ message: [UInt8], on channel: ChannelID, now: NetInstant) throws(ChannelSendError) {
        guard Int(channel.index) < config.layout.kinds.count else { throw .unknownChannel(channel) }
        let limit = config.maxPayloadBytes - 1
        guard message.count <= limit else { throw .messageTooLarge(bytes: message.count, limit: limit) }
        guard queuedBytes + message.count <= config.maxQueuedBytesPerChannel else { throw .queueFull(channel) }
        queued.append([channel.index] + message)
        queuedBytes += message.count
    }

    public mutating func receive(_ payload: [UInt8], now: NetInstant) {
        guard let index = payload.first, Int(index) < config.layout.kinds.count else { return }
        delivered.append(DeliveredMessage(channel: ChannelID(index), bytes: Array(payload.dropFirst())))
    }

    public mutating func drainDelivered() -> [DeliveredMessage] {
        defer { delivered = [] }
        return delivered
    }

    public mutating func makePayloads(now: NetInstant) -> [[UInt8]] {
        defer { queued = []; queuedBytes = 0 }
        return queued
    }

    public var nextWakeup: NetInstant? { nil }
    public var hasUnackedReliableData: Bool { false }
}
