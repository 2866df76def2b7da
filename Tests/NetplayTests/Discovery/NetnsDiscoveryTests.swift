import Foundation
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

/// A client in one network namespace finds and joins a host in another, joined by a veth
/// pair, with no address typed: by IPv4 broadcast, IPv4 multicast and IPv6 link-local multicast. Needs root (CI runs as
/// root); elsewhere the test records why it could not run.
@Suite("Discovery across network namespaces", .serialized)
struct NetnsDiscoveryTests {
    @Test(arguments: ["broadcast", "multicast", "multicast6"])
    func clientFindsAndJoinsAHostInAnotherNamespace(mode: String) throws {
        let (made, reason) = NamespacePair.make(
            tag: Int(getpid() % 30) * 3 + ["broadcast", "multicast", "multicast6"].firstIndex(of: mode)!)
        guard let pair = made else {
            withKnownIssue("network namespaces unavailable: \(reason)") { throw NetnsUnavailable() }
            return
        }
        defer { pair.tearDown() }
        let netplay = ProcessHarness.product("netplay")
        let host = try pair.start(
            in: pair.host, [netplay, "host", "--game", "netns", "--discovery", mode, "--duration", "60"])
        defer { host.stop() }
        #expect(host.waitFor("hosting"), "\(host.output)")
        let ping = try pair.run(
            in: pair.client,
            [
                netplay, "ping", "--game", "netns", "--discovery", mode,
                "--count", "50", "--reliable", "--json",
            ])
        #expect(ping.status == 0, "\(ping.output)")
        // The client found the host's address by itself: its IPv4 address, or for IPv6 its
        // link-local address on the veth (with the interface scope).
        let expected = mode == "multicast6" ? "[fe80:" : "\(pair.hostAddress):"
        #expect(ping.output.contains(expected), "\(ping.output)")
        #expect(ping.output.contains("\"received\":50"), "\(ping.output)")
        #expect(host.waitFor("joined"), "\(host.output)")
    }

    @Test func clientJoinsWithTheJoinStringTheHostPrinted() throws {
        let (made, reason) = NamespacePair.make(tag: 90 + Int(getpid() % 9))
        guard let pair = made else {
            withKnownIssue("network namespaces unavailable: \(reason)") { throw NetnsUnavailable() }
            return
        }
        defer { pair.tearDown() }
        let netplay = ProcessHarness.product("netplay")
        let host = try pair.start(
            in: pair.host, [netplay, "host", "--discovery", "none", "--code", "TIGER7", "--duration", "60"])
        defer { host.stop() }
        #expect(host.waitFor("join string"), "\(host.output)")
        let joinString = try #require(host.output.split(separator: " ").last(where: { $0.hasPrefix("NP-") }))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try JoinString(parsing: joinString).address.description == "\(pair.hostAddress):7777")
        let ping = try pair.run(
            in: pair.client, [netplay, "ping", joinString, "--count", "20", "--reliable", "--json"])
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("\"received\":20"), "\(ping.output)")
        let wrongCode = try pair.run(
            in: pair.client, [netplay, "ping", "\(pair.hostAddress):7777", "--code", "WRONG", "--count", "1"])
        #expect(wrongCode.status != 0)
        #expect(wrongCode.output.contains("join code"), "\(wrongCode.output)")
    }
}

struct NetnsUnavailable: Error {}
