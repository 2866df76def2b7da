import Foundation
import Testing

/// The built `netplay` tool as two real processes over loopback UDP: what issue-level bars
/// call "two processes", not two objects in one test process.
@Suite("netplay host and ping as two processes", .serialized)
struct TwoProcessTests {
    static let netplay = ProcessHarness.product("netplay")

    static func port(_ offset: Int) -> Int { 21_000 + Int(getpid() % 2_000) * 4 + offset }

    static func summary(_ output: String) -> [String: Any]? {
        for line in output.split(separator: "\n").reversed() {
            if let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                object["sent"] != nil
            {
                return object
            }
        }
        return nil
    }

    @Test(arguments: ["127.0.0.1", "[::1]"])
    func connectExchangeAndCloseCleanlyOverLoopback(address: String) throws {
        let port = Self.port(address == "127.0.0.1" ? 0 : 1)
        let host = try ProcessHarness.Background(
            Self.netplay, ["host", "--discovery", "none", "--port", "\(port)", "--duration", "60"])
        defer { host.stop() }
        #expect(host.waitFor("hosting"))
        let ping = try ProcessHarness.run(
            Self.netplay, ["ping", "\(address):\(port)", "--count", "200", "--reliable", "--json"])
        #expect(ping.status == 0, "\(ping.output)")
        let summary = try #require(Self.summary(ping.output), "\(ping.output)")
        #expect(summary["received"] as? Int == 200)
        #expect(summary["mismatches"] as? Int == 0)
        #expect(host.waitFor("left: The other side closed the connection"), "\(host.output)")
        host.stop()
        #expect(host.output.contains("stopped"))
    }

    @Test func pingFindsTheHostByDiscoveryAndCompletesAThousandReliablePings() throws {
        let port = Self.port(2)
        let host = try ProcessHarness.Background(
            Self.netplay,
            [
                "host", "--game", "twoproc", "--discovery", "loopback",
                "--port", "\(port)", "--duration", "120",
            ])
        defer { host.stop() }
        #expect(host.waitFor("hosting"))
        let ping = try ProcessHarness.run(
            Self.netplay,
            [
                "ping", "--game", "twoproc", "--discovery", "loopback",
                "--count", "1000", "--reliable", "--json",
            ], timeout: .seconds(90))
        #expect(ping.status == 0, "\(ping.output)")
        #expect(ping.output.contains("\"event\":\"found\""))
        let summary = try #require(Self.summary(ping.output), "\(ping.output)")
        #expect(summary["received"] as? Int == 1000)
        #expect(summary["lost"] as? Int == 0)
        #expect(summary["mismatches"] as? Int == 0)
    }
}
