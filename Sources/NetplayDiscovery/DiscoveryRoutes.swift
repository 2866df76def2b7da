import NetplayBase

/// One way a discovery query or announcement leaves this machine.
package enum DiscoveryPath: Sendable, Hashable, CaseIterable {
    /// IPv4 subnet-directed broadcast (e.g. 192.168.1.255), one per interface. Unlike
    /// 255.255.255.255 it needs no default route: the subnet's own route carries it.
    case subnetBroadcast
    /// Netplay's IPv4 multicast group, sent out of each interface in turn (`IP_MULTICAST_IF`).
    case multicastIPv4
    /// Netplay's IPv6 link-local multicast group, sent to each interface by its scope id.
    case multicastIPv6

    /// Netplay's IPv4 multicast group, in the organization-local scope (239/8, RFC 2365), so
    /// routers keep it inside the site.
    package static let groupIPv4 = PeerAddress(family: .ipv4, address: [239, 255, 78, 80], port: 0)
    /// Netplay's IPv6 multicast group: link-local scope (ff_2), transient (ff1_), so it needs
    /// no assignment and never leaves the link.
    package static let groupIPv6 = PeerAddress(
        family: .ipv6, address: [0xFF, 0x12] + [UInt8](repeating: 0, count: 12) + [0x4E, 0x50], port: 0)

    package var family: PeerAddress.Family { self == .multicastIPv6 ? .ipv6 : .ipv4 }
}

/// An address of a network interface, as `getifaddrs` lists it: one entry per address, so an
/// interface with an IPv4 and two IPv6 addresses appears three times.
package struct InterfaceAddress: Sendable, Hashable {
    /// The interface flags discovery cares about.
    package struct Flags: OptionSet, Sendable, Hashable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Administratively up (`IFF_UP`).
        package static let up = Flags(rawValue: 1 << 0)
        /// The loopback interface: nothing sent there reaches another machine.
        package static let loopback = Flags(rawValue: 1 << 1)
        /// Has a broadcast address (`IFF_BROADCAST`).
        package static let broadcast = Flags(rawValue: 1 << 2)
        /// Supports multicast (`IFF_MULTICAST`).
        package static let multicast = Flags(rawValue: 1 << 3)
    }

    /// The interface's name (`eth0`, `wlan0`), for messages.
    package var name: String
    /// The interface index (IPv6 scope id, multicast membership).
    package var index: UInt32
    package var flags: Flags
    /// The address (port 0); an IPv6 link-local address carries its scope id.
    package var address: PeerAddress
    /// The subnet-directed broadcast address, for an IPv4 address on a broadcast interface.
    package var broadcastAddress: PeerAddress?

    package init(
        name: String, index: UInt32, flags: Flags, address: PeerAddress, broadcastAddress: PeerAddress? = nil
    ) {
        self.name = name
        self.index = index
        self.flags = flags
        self.address = address
        self.broadcastAddress = broadcastAddress
    }

    /// The subnet-directed broadcast address of an IPv4 `address` with `netmask` (host bits all
    /// ones), or nil for a /31 or /32, which have no broadcast address (RFC 3021). Worked out
    /// here because an address added without `brd` (as `ip addr add` does) reports none.
    package static func subnetBroadcast(address: PeerAddress, netmask: PeerAddress) -> PeerAddress? {
        let bytes = Array(address.addressBytes)
        let mask = Array(netmask.addressBytes)
        guard address.family == .ipv4, netmask.family == .ipv4, bytes.count == 4, mask.count == 4,
            mask.reduce(0, { $0 + $1.nonzeroBitCount }) < 31
        else { return nil }
        return PeerAddress(family: .ipv4, address: zip(bytes, mask).map { $0 | ~$1 }, port: 0)
    }

    /// Up, and not loopback: discovery on it can reach another machine.
    var carriesDiscovery: Bool { flags.contains(.up) && !flags.contains(.loopback) }
}

/// Where discovery datagrams go, worked out from the interface list alone (sans-I/O): every
/// interface that is up and supports a path gets that path, so a host with a LAN, a VPN and
/// container bridges is found on each, and a link with only its subnet's route (two laptops on
/// a cable, IPv4 link-local, IPv6 link-local) works without a default route.
package enum DiscoveryRoutes {
    /// One destination, and for IPv4 multicast the interface address to send it from.
    package struct Route: Sendable, Hashable {
        /// The destination address (port 0: each discovery port is sent to).
        package var destination: PeerAddress
        /// For IPv4 multicast, the interface address the socket's `IP_MULTICAST_IF` must name.
        package var multicastInterface: PeerAddress?

        package init(destination: PeerAddress, multicastInterface: PeerAddress?) {
            self.destination = destination
            self.multicastInterface = multicastInterface
        }
    }

    /// A multicast group to join on one interface.
    package struct Membership: Sendable, Hashable {
        package var group: PeerAddress
        package var interfaceIndex: UInt32
        /// The interface's IPv4 address (IPv4 memberships name the interface by address).
        package var interfaceAddress: PeerAddress?
    }

    /// The routes of `family` for `paths` over `interfaces`, each destination once.
    package static func routes(
        family: PeerAddress.Family, paths: Set<DiscoveryPath>, interfaces: [InterfaceAddress]
    ) -> [Route] {
        var routes: [Route] = []
        var seen: Set<Route> = []
        func add(_ route: Route) { if seen.insert(route).inserted { routes.append(route) } }
        for entry in interfaces where entry.carriesDiscovery && entry.address.family == family {
            switch family {
            case .ipv4:
                if paths.contains(.subnetBroadcast), entry.flags.contains(.broadcast),
                    let broadcast = entry.broadcastAddress
                {
                    add(Route(destination: broadcast, multicastInterface: nil))
                }
            case .ipv6, .memory:
                break
            }
        }
        for entry in firstAddressPerInterface(family: family, interfaces) where entry.flags.contains(.multicast) {
            switch family {
            case .ipv4 where paths.contains(.multicastIPv4):
                add(Route(destination: DiscoveryPath.groupIPv4, multicastInterface: entry.address))
            case .ipv6 where paths.contains(.multicastIPv6):
                add(Route(destination: scoped(DiscoveryPath.groupIPv6, to: entry.index), multicastInterface: nil))
            default:
                break
            }
        }
        return routes
    }

    /// The multicast groups of `family` to join, one membership per multicast interface.
    package static func memberships(
        family: PeerAddress.Family, paths: Set<DiscoveryPath>, interfaces: [InterfaceAddress]
    ) -> [Membership] {
        let group: PeerAddress
        switch family {
        case .ipv4 where paths.contains(.multicastIPv4): group = DiscoveryPath.groupIPv4
        case .ipv6 where paths.contains(.multicastIPv6): group = DiscoveryPath.groupIPv6
        default: return []
        }
        return firstAddressPerInterface(family: family, interfaces).filter { $0.flags.contains(.multicast) }.map {
            Membership(group: group, interfaceIndex: $0.index, interfaceAddress: family == .ipv4 ? $0.address : nil)
        }
    }

    /// One entry per interface that carries discovery and has an address of `family`.
    private static func firstAddressPerInterface(family: PeerAddress.Family, _ interfaces: [InterfaceAddress])
        -> [InterfaceAddress]
    {
        var seen: Set<UInt32> = []
        return interfaces.filter {
            $0.carriesDiscovery && $0.address.family == family && seen.insert($0.index).inserted
        }
    }

    /// `group` with the scope id of interface `index` (how an IPv6 link-local group names its link).
    static func scoped(_ group: PeerAddress, to index: UInt32) -> PeerAddress {
        let scope = (0..<4).map { UInt8(truncatingIfNeeded: index >> (8 * UInt32(3 - $0))) }
        return PeerAddress(family: .ipv6, address: Array(group.addressBytes.prefix(16)) + scope, port: group.port)
    }
}
