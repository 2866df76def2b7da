import Testing

@testable import NetplayBase
@testable import NetplayDiscovery

/// Which interfaces discovery sends on and joins, worked out from an interface list alone.
@Suite("Discovery routes per interface")
struct DiscoveryRoutesTests {
    static func v4(_ bytes: [UInt8]) -> PeerAddress { PeerAddress(family: .ipv4, address: bytes, port: 0) }
    static func linkLocal6(_ last: UInt8, scope: UInt8) -> PeerAddress {
        PeerAddress(
            family: .ipv6, address: [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [last, 0, 0, 0, scope], port: 0)
    }

    /// A laptop: loopback, a LAN, a VPN without broadcast, a container bridge that is down.
    static let interfaces: [InterfaceAddress] = [
        InterfaceAddress(name: "lo", index: 1, flags: [.up, .loopback], address: v4([127, 0, 0, 1])),
        InterfaceAddress(
            name: "eth0", index: 2, flags: [.up, .broadcast, .multicast], address: v4([192, 168, 1, 20]),
            broadcastAddress: v4([192, 168, 1, 255])),
        InterfaceAddress(
            name: "eth0", index: 2, flags: [.up, .broadcast, .multicast], address: linkLocal6(1, scope: 2)),
        InterfaceAddress(name: "tun0", index: 3, flags: [.up, .multicast], address: v4([10, 8, 0, 2])),
        InterfaceAddress(
            name: "docker0", index: 4, flags: [.broadcast, .multicast], address: v4([172, 17, 0, 1]),
            broadcastAddress: v4([172, 17, 255, 255])),
        InterfaceAddress(
            name: "veth1", index: 5, flags: [.up, .broadcast, .multicast], address: v4([169, 254, 7, 1]),
            broadcastAddress: v4([169, 254, 255, 255])),
    ]

    @Test func ipv4GoesToEachSubnetBroadcastAndMulticastOutOfEachInterfaceThatIsUp() {
        let routes = DiscoveryRoutes.routes(
            family: .ipv4, paths: Set(DiscoveryPath.allCases), interfaces: Self.interfaces)
        #expect(
            routes == [
                .init(destination: Self.v4([192, 168, 1, 255]), multicastInterface: nil),
                .init(destination: Self.v4([169, 254, 255, 255]), multicastInterface: nil),
                .init(destination: DiscoveryPath.groupIPv4, multicastInterface: Self.v4([192, 168, 1, 20])),
                .init(destination: DiscoveryPath.groupIPv4, multicastInterface: Self.v4([10, 8, 0, 2])),
                .init(destination: DiscoveryPath.groupIPv4, multicastInterface: Self.v4([169, 254, 7, 1])),
            ])
    }

    @Test func ipv6GoesToTheLinkLocalGroupScopedToEachInterface() {
        let routes = DiscoveryRoutes.routes(
            family: .ipv6, paths: Set(DiscoveryPath.allCases), interfaces: Self.interfaces)
        #expect(routes.map(\.destination.description) == ["[ff12:0:0:0:0:0:0:4e50%2]:0"])
        let joins = DiscoveryRoutes.memberships(family: .ipv6, paths: [.multicastIPv6], interfaces: Self.interfaces)
        #expect(joins == [.init(group: DiscoveryPath.groupIPv6, interfaceIndex: 2, interfaceAddress: nil)])
    }

    @Test func groupsAreJoinedOnEveryMulticastInterfaceThatIsUpAndOnlyForTheirPaths() {
        let joins = DiscoveryRoutes.memberships(
            family: .ipv4, paths: Set(DiscoveryPath.allCases), interfaces: Self.interfaces)
        #expect(joins.map(\.interfaceIndex) == [2, 3, 5])
        #expect(joins.allSatisfy { $0.group == DiscoveryPath.groupIPv4 })
        #expect(
            DiscoveryRoutes.memberships(family: .ipv4, paths: [.subnetBroadcast], interfaces: Self.interfaces).isEmpty)
        #expect(
            DiscoveryRoutes.routes(family: .ipv4, paths: [.subnetBroadcast], interfaces: Self.interfaces).count == 2)
    }

    @Test func subnetBroadcastIsWorkedOutFromTheNetmask() {
        #expect(
            InterfaceAddress.subnetBroadcast(address: Self.v4([10, 1, 2, 3]), netmask: Self.v4([255, 255, 255, 0]))
                == Self.v4([10, 1, 2, 255]))
        #expect(
            InterfaceAddress.subnetBroadcast(address: Self.v4([169, 254, 9, 9]), netmask: Self.v4([255, 255, 0, 0]))
                == Self.v4([169, 254, 255, 255]))
        #expect(
            InterfaceAddress.subnetBroadcast(address: Self.v4([10, 0, 0, 1]), netmask: Self.v4([255, 255, 255, 254]))
                == nil)
    }
}
