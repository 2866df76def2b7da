import NetplayBase
import NetplayDiscovery

/// Where LAN discovery listens and what it queries.
///
/// Hosts and browsers each bind the first free port of ``ports`` (so several hosts and
/// browsers share one machine without `SO_REUSEADDR` games), and queries and announcements go
/// to every port of the range, on every interface that is up: subnet-directed broadcast and
/// multicast by default (see ``DiscoveryRoutes``), so no default route is needed.
public struct LANDiscoveryConfig: Sendable, Hashable {
    /// The discovery ports; small, so a query costs only a handful of datagrams.
    public var ports: Range<UInt16>
    /// Local address to bind (`"0.0.0.0"` to hear broadcasts from the network).
    public var bindHost: String
    /// Fixed addresses (ports ignored) that queries and announcements also go to: 127.0.0.1
    /// for discovery on this machine only.
    var targets: [PeerAddress]
    /// The ways datagrams leave on each interface (and the multicast groups joined on each).
    var paths: Set<DiscoveryPath>
    /// How often a browser asks again, and so how fast a lost host is noticed.
    var refreshInterval: Duration
    /// How often the interface list is read again, so an interface that comes up later (a
    /// cable plugged in, a VPN started) joins the multicast groups.
    var interfaceRescanInterval: Duration

    /// Creates a configuration.
    package init(
        ports: Range<UInt16> = 47_777..<47_793, bindHost: String = "0.0.0.0", targets: [PeerAddress] = [],
        paths: Set<DiscoveryPath> = Set(DiscoveryPath.allCases), refreshInterval: Duration = .milliseconds(500),
        interfaceRescanInterval: Duration = .seconds(2)
    ) {
        self.ports = ports
        self.bindHost = bindHost
        self.targets = targets
        self.paths = paths
        self.refreshInterval = refreshInterval
        self.interfaceRescanInterval = interfaceRescanInterval
    }

    /// Broadcast and multicast on every interface: what games use.
    public static let lan = LANDiscoveryConfig()

    /// This machine only, over 127.0.0.1: for tests and for several games on one computer.
    public static let loopback = LANDiscoveryConfig(
        bindHost: "127.0.0.1", targets: [PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 0)], paths: [])

    /// Only broadcast, only IPv4 multicast, or only IPv6 multicast: to prove each path alone.
    package static let broadcastOnly = LANDiscoveryConfig(paths: [.subnetBroadcast])
    package static let multicastOnly = LANDiscoveryConfig(paths: [.multicastIPv4])
    package static let multicastIPv6Only = LANDiscoveryConfig(paths: [.multicastIPv6])

    /// Whether any target or path is IPv4 (resp. IPv6): a socket of that family is needed.
    func uses(_ family: PeerAddress.Family) -> Bool {
        targets.contains { $0.family == family } || paths.contains { $0.family == family }
    }

    /// The local address to bind for `family`.
    func bindHost(for family: PeerAddress.Family) -> String {
        family == .ipv6 ? (bindHost == "0.0.0.0" ? "::" : bindHost) : bindHost
    }

    /// Every route of `family` a query or announcement takes, over `interfaces`.
    func routes(_ family: PeerAddress.Family, interfaces: [InterfaceAddress]) -> [DiscoveryRoutes.Route] {
        targets.filter { $0.family == family }.map { DiscoveryRoutes.Route(destination: $0, multicastInterface: nil) }
            + DiscoveryRoutes.routes(family: family, paths: paths, interfaces: interfaces)
    }

    /// `route`'s destination at every discovery port.
    func destinations(_ route: DiscoveryRoutes.Route) -> [PeerAddress] {
        let target = route.destination
        return ports.map { PeerAddress(family: target.family ?? .ipv4, address: Array(target.addressBytes), port: $0) }
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
