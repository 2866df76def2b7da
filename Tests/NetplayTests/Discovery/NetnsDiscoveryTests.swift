import Foundation
import ProcessTestSupport
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

/// Clients in network namespaces find and join a host in another, joined by veth pairs, with
/// no address typed, on the links a LAN party meets: a subnet with only its own route, the
/// same with a default route, IPv4 link-local, a host on two subnets, IPv6 link-local. Needs
/// root (CI runs as root); elsewhere each test records why it could not run.
@Suite("Discovery across network namespaces", .serialized)
struct NetnsDiscoveryTests {
    /// Namespace names must not collide with another test process on the machine.
    static func tag(_ index: Int) -> Int { Int(getpid() % 900) * 10 + index }

    static func lab(_ topology: NamespaceLab.Topology, index: Int) -> NamespaceLab? {
        let (made, reason) = NamespaceLab.make(topology, tag: tag(index))
        if made == nil { withKnownIssue("network namespaces unavailable: \(reason)") { throw NetnsUnavailable() } }
        return made
    }

    /// What the client must have found: the host's address on the client's own link.
    static func expectedAddress(_ lab: NamespaceLab, link: Int) -> String {
        lab.topology.usesIPv4 ? "\(lab.hostAddresses[link]):" : "[fe80:"
    }

    @Test(arguments: NamespaceLab.Topology.allCases)
    func everyClientFindsAndJoinsTheHostWithNoAddressTyped(topology: NamespaceLab.Topology) throws {
        guard let lab = Self.lab(topology, index: NamespaceLab.Topology.allCases.firstIndex(of: topology)!) else {
            return
        }
        defer { lab.tearDown() }
        let netplay = ProcessHarness.product("netplay")
        let host = try lab.start(in: lab.host, [netplay, "host", "--game", "netns", "--duration", "60"])
        defer { host.stop() }
        #expect(host.waitFor("hosting"), "\(host.output)")
        for (link, client) in lab.clients.enumerated() {
            let ping = try lab.run(
                in: client, [netplay, "ping", "--game", "netns", "--count", "20", "--reliable", "--json"])
            #expect(ping.status == 0, "\(topology) link \(link): \(ping.output)")
            #expect(ping.output.contains(Self.expectedAddress(lab, link: link)), "\(ping.output)")
            #expect(ping.output.contains("\"received\":20"), "\(ping.output)")
        }
        #expect(host.waitFor("joined"), "\(host.output)")
        let joins = host.output.components(separatedBy: " joined").count - 1
        #expect(joins == lab.clients.count, "\(host.output)")
    }

    /// Each path alone, over a subnet with only its own route: no path leans on a default route.
    @Test(arguments: ["broadcast", "multicast", "multicast6"])
    func eachDiscoveryPathAloneFindsTheHost(mode: String) throws {
        let topology: NamespaceLab.Topology = mode == "multicast6" ? .ipv6LinkLocalOnly : .subnetRouteOnly
        guard let lab = Self.lab(topology, index: 5 + ["broadcast", "multicast", "multicast6"].firstIndex(of: mode)!)
        else { return }
        defer { lab.tearDown() }
        let netplay = ProcessHarness.product("netplay")
        let host = try lab.start(
            in: lab.host, [netplay, "host", "--game", "netns", "--discovery", mode, "--duration", "60"])
        defer { host.stop() }
        #expect(host.waitFor("hosting"), "\(host.output)")
        let discover = try lab.run(
            in: lab.clients[0], [netplay, "discover", "--game", "netns", "--discovery", mode, "--first", "--json"])
        #expect(discover.status == 0, "\(discover.output)")
        #expect(discover.output.contains(Self.expectedAddress(lab, link: 0)), "\(discover.output)")
        #expect(discover.output.contains("\"foundAfterMs\""), "\(discover.output)")
    }

    @Test func clientJoinsWithTheJoinStringTheHostPrinted() throws {
        guard let lab = Self.lab(.subnetRouteOnly, index: 8) else { return }
        defer { lab.tearDown() }
        let netplay = ProcessHarness.product("netplay")
        let host = try lab.start(
            in: lab.host, [netplay, "host", "--discovery", "none", "--code", "TIGER7", "--duration", "60"])
        defer { host.stop() }
        #expect(host.waitFor("join string"), "\(host.output)")
        let joinString = try #require(host.output.split(separator: " ").last(where: { $0.hasPrefix("NP-") }))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let hostAddress = lab.hostAddresses[0]
        #expect(try JoinString(parsing: joinString).address.description == "\(hostAddress):7777")
        let ping = try lab.run(
            in: lab.clients[0], [netplay, "ping", joinString, "--count", "20", "--reliable", "--json"])
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("\"received\":20"), "\(ping.output)")
        let wrongCode = try lab.run(
            in: lab.clients[0], [netplay, "ping", "\(hostAddress):7777", "--code", "WRONG", "--count", "1"])
        #expect(wrongCode.status != 0)
        #expect(wrongCode.output.contains("join code"), "\(wrongCode.output)")
    }
}

struct NetnsUnavailable: Error {}
