import ArgumentParser
import Netplay
import NetplayDrivers
import NetplayWire

/// What the `netplay` tool's host and ping speak to each other.
enum ToolProtocol {
    /// The game name `netplay host` advertises unless told otherwise.
    static let defaultGame = "netplay"
    static let version: UInt32 = 1
    static let messages: [any NetMessage.Type] = [Ping.self]

    /// A ping; the host echoes it unchanged on the channel it came on.
    struct Ping: NetMessage, Equatable {
        var sequence: UInt32
        /// Whether it travels (and is echoed) on the reliable-ordered or the unreliable channel.
        var reliable: Bool
        /// Bytes the echo must carry back unchanged: a mismatch means corruption somewhere.
        var payload: [UInt8]

        var channel: NetChannel { reliable ? .reliableOrdered : .unreliable }
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
