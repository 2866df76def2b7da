import ArgumentParser
import Netplay
import NetplayDrivers
import NetplayWire

/// What the `netplay` tool's host and its clients (`ping`, `stream`) speak to each other.
enum ToolProtocol {
    /// The game name `netplay host` advertises unless told otherwise.
    static let defaultGame = "netplay"
    static let version: UInt32 = 1
    // Appended in this order: a new type goes last, so older ids keep their meaning.
    static let messages: [any NetMessage.Type] = [Ping.self, StreamStart.self, Numbered.self, StreamEnd.self]

    /// A ping; the host echoes it unchanged on the channel it came on.
    @NetMessage
    struct Ping: Equatable {
        var sequence: UInt32
        /// Whether it travels (and is echoed) on the reliable-ordered or the unreliable channel.
        var reliable: Bool
        /// Bytes the echo must carry back unchanged: a mismatch means corruption somewhere.
        var payload: [UInt8]

        var channel: NetChannel { reliable ? .reliableOrdered : .unreliable }
    }

    /// Asks the host to stream numbered reliable messages back at `perSecond` (`netplay stream`).
    @NetMessage
    struct StreamStart: Equatable {
        var perSecond: UInt16
    }

    /// One message of a reliable stream: numbers run 0, 1, 2… with none skipped, so the receiver
    /// can check each arrives exactly once and in order.
    @NetMessage
    struct Numbered: Equatable {
        var sequence: UInt32
        /// When it was sent, in milliseconds since 1970 (one machine's wall clock is shared by
        /// its processes and network namespaces): how long it waited shows in the receiver.
        var sentAtMilliseconds: UInt64
    }

    /// The last message of a stream, sent after its last ``Numbered`` on the same ordered
    /// channel: how many the sender sent, and what it made of the other side's stream.
    @NetMessage
    struct StreamEnd: Equatable {
        var sent: UInt32
        var received: UInt32
        var duplicates: UInt32
        var outOfOrder: UInt32
    }

    static var fingerprint: SchemaFingerprint { MessageRegistry(messages).fingerprint }

    static var options: NetOptions {
        var options = NetOptions()
        options.version = version
        return options
    }
}

/// How the tool looks for games.
enum DiscoveryMode: String, ExpressibleByArgument, CaseIterable {
    case lan, broadcast, multicast, multicast6, loopback, none

    var config: LANDiscoveryConfig? {
        switch self {
        case .lan: .lan
        case .broadcast: .broadcastOnly
        case .multicast: .multicastOnly
        case .multicast6: .multicastIPv6Only
        case .loopback: .loopback
        case .none: nil
        }
    }
}
