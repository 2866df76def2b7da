import Logging
import NetplayChannels
import NetplayProtocol
import NetplayWire

/// Settings for a ``NetHost`` or ``NetClient``; the defaults suit a small co-op game.
public struct NetOptions: Sendable {
    /// The game's protocol version; a host refuses clients with another one. Raise it when a
    /// release changes the rules in a way the message types do not show.
    public var version: UInt32 = 1
    /// A connection ends after hearing nothing from the other side for this long.
    public var timeout: Duration = .seconds(10)
    /// An idle connection sends a keepalive this often, so the other side does not time out.
    public var keepaliveInterval: Duration = .seconds(1)
    /// Most clients a host serves at once.
    public var maxPeers = 16
    /// How often the network thread flushes queued sends and runs the protocol's timers. At
    /// 5 ms a message waits at most a third of a 60 Hz frame before it leaves.
    public var tickInterval: Duration = .milliseconds(5)
    /// How long ``NetHost/close()`` and ``NetClient/close()`` keep sending unacknowledged
    /// reliable messages before saying goodbye anyway.
    public var closeFlushTimeout: Duration = .seconds(1)
    /// Most bytes of encoded messages waiting to be sent; past it `send` throws
    /// ``NetSendError/queueFull`` instead of letting memory grow. 1 MiB is seconds of traffic
    /// for a small game.
    public var maxBufferedSendBytes = 1 << 20
    /// Most events waiting for ``NetHost/poll()`` (or the `events` sequence); later ones are
    /// dropped and counted in `droppedEvents`. A game that polls every frame never gets close.
    public var maxQueuedEvents = 65_536
    /// Where the session reports connections, disconnections with their reasons, refused
    /// handshakes and dropped-datagram counts. Silent by default, as SwiftNIO-based libraries
    /// are; pass your own (`Logger(label: "netplay")` with a handler bootstrapped by
    /// `LoggingSystem`) when a connection fails and you want to see why. Nothing is logged per
    /// message, so any level is safe on the data path.
    public var logger = Logger(label: "netplay", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The channels each connection has and their limits.
    package var channels: ChannelConfig = {
        var config = ChannelConfig()
        config.layout = ReplicationChannels.layout
        return config
    }()

    /// The largest reliable message `send` accepts, in bytes (1 MiB by default); larger ones
    /// are refused with ``NetSendError/messageTooLarge(bytes:limit:)``. Raise it to send a
    /// level or a save file in one message; both sides need the same limit.
    public var maxReliableMessageBytes: Int {
        get { channels.maxReliableMessageBytes }
        set { channels.maxReliableMessageBytes = newValue }
    }

    /// The default settings.
    public init() {}
}

extension NetOptions {
    /// The protocol core's configuration for this game.
    package func protocolConfig(game: String, joinCode: String?, registry: MessageRegistry) -> ProtocolConfig {
        ProtocolConfig(
            protocolID: Self.protocolID(game: game),
            gameName: game,
            protocolVersion: version,
            schema: SchemaIdentity(fingerprint: registry.fingerprint.bytes, description: registry.schema.description),
            joinCode: joinCode,
            timeout: timeout,
            keepaliveInterval: keepaliveInterval,
            maxPeers: maxPeers
        )
    }

    /// The protocol id of a game: 32-bit FNV-1a of its name, so two different games on one
    /// LAN (or port) ignore each other's datagrams without anyone picking numbers.
    static func protocolID(game: String) -> UInt32 {
        var hash = fnvOffsetBasis
        for byte in game.utf8 { hash = (hash ^ UInt32(byte)) &* fnvPrime }
        return hash
    }

    /// FNV-1a 32-bit parameters (Fowler, Noll, Vo).
    private static let fnvOffsetBasis: UInt32 = 0x811C_9DC5
    private static let fnvPrime: UInt32 = 0x0100_0193
}
