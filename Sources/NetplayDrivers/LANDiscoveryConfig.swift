import NetplayBase
import NetplayDiscovery

/// Where LAN discovery listens and what it queries.
///
/// Hosts and browsers each bind the first free port of ``ports`` (so several hosts and
/// browsers share one machine without `SO_REUSEADDR` games), and queries and announcements go
/// to every port of the range on every target: broadcast and multicast by default.
public struct LANDiscoveryConfig: Sendable, Hashable {
    /// The discovery ports; small, so a query costs only a handful of datagrams.
    public var ports: Range<UInt16>
    /// Local address to bind (`"0.0.0.0"` to hear broadcasts from the network).
    public var bindHost: String
    /// Addresses (ports ignored) that queries and announcements are sent to.
    var targets: [PeerAddress]
    /// Multicast groups to join (ports ignored), IPv4 and IPv6.
    var multicastGroups: [PeerAddress]
    /// How often a browser asks again, and so how fast a lost host is noticed.
    var refreshInterval: Duration

    /// IPv4 limited broadcast: every host on the local link, never routed beyond it.
    static let limitedBroadcast = PeerAddress(family: .ipv4, address: [255, 255, 255, 255], port: 0)
    /// Netplay's IPv4 multicast group, in the organization-local scope (239/8, RFC 2365), so
    /// routers keep it inside the site.
    static let multicastGroup = PeerAddress(family: .ipv4, address: [239, 255, 78, 80], port: 0)
    /// Netplay's IPv6 multicast group: link-local scope (ff_2), transient (ff1_), so it needs
    /// no assignment and never leaves the link.
    static let multicastGroupIPv6 = PeerAddress(
        family: .ipv6, address: [0xFF, 0x12] + [UInt8](repeating: 0, count: 12) + [0x4E, 0x50], port: 0)

    /// Creates a configuration.
    package init(
        ports: Range<UInt16> = 47_777..<47_793, bindHost: String = "0.0.0.0",
        targets: [PeerAddress] = [
            LANDiscoveryConfig.limitedBroadcast, LANDiscoveryConfig.multicastGroup,
            LANDiscoveryConfig.multicastGroupIPv6,
        ],
        multicastGroups: [PeerAddress] = [LANDiscoveryConfig.multicastGroup, LANDiscoveryConfig.multicastGroupIPv6],
        refreshInterval: Duration = .milliseconds(500)
    ) {
        self.ports = ports
        self.bindHost = bindHost
        self.targets = targets
        self.multicastGroups = multicastGroups
        self.refreshInterval = refreshInterval
    }

    /// Broadcast and multicast on the local network: what games use.
    public static let lan = LANDiscoveryConfig()

    /// This machine only, over 127.0.0.1: for tests and for several games on one computer.
    public static let loopback = LANDiscoveryConfig(
        bindHost: "127.0.0.1", targets: [PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 0)],
        multicastGroups: [])

    /// Only broadcast, only IPv4 multicast, or only IPv6 multicast: to prove each path alone.
    package static let broadcastOnly = LANDiscoveryConfig(targets: [limitedBroadcast], multicastGroups: [])
    package static let multicastOnly = LANDiscoveryConfig(targets: [multicastGroup], multicastGroups: [multicastGroup])
    package static let multicastIPv6Only = LANDiscoveryConfig(
        targets: [multicastGroupIPv6], multicastGroups: [multicastGroupIPv6])

    /// Whether any target or group is IPv4 (resp. IPv6): a socket of that family is needed.
    func uses(_ family: PeerAddress.Family) -> Bool {
        (targets + multicastGroups).contains { $0.family == family }
    }

    /// The local address to bind for `family`.
    func bindHost(for family: PeerAddress.Family) -> String {
        family == .ipv6 ? (bindHost == "0.0.0.0" ? "::" : bindHost) : bindHost
    }

    /// Every (target, port) of `family` a query or announcement goes to.
    func destinations(_ family: PeerAddress.Family) -> [PeerAddress] {
        targets.filter { $0.family == family }.flatMap { target in
            ports.map { PeerAddress(family: target.family ?? .ipv4, address: Array(target.addressBytes), port: $0) }
        }
    }
}

/// Why discovery could not start or find a game.
public enum DiscoveryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Every port of the discovery range is taken on this machine.
    case noFreePort(Range<UInt16>)
    /// No game of that name answered in time.
    case noGameFound(game: String, after: Duration)
    /// Games were found, but none this program can join.
    case onlyIncompatibleGames([FoundGame])

    public var description: String {
        switch self {
        case .noFreePort(let ports):
            "every discovery port \(ports.lowerBound)...\(ports.upperBound - 1) is in use on this machine"
        case .noGameFound(let game, let after):
            "no \(game.isEmpty ? "game" : "'\(game)' game") answered within \(after)"
        case .onlyIncompatibleGames(let games):
            "found only games this program cannot join: " + games.map(\.description).joined(separator: "; ")
        }
    }
}
