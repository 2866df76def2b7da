import Foundation
import ProcessTestSupport
import Testing

/// The examples a newcomer copies, run as the real programs over loopback.
@Suite(.serialized) struct ExamplePrograms {
    /// A dot's final position as a CoopDots process printed it: `dot <id> <x> <y> <mine>`.
    struct PrintedDot: Equatable {
        var id: String
        var x: Double
        var y: Double
    }

    static func dots(in output: String) -> [String: PrintedDot] {
        var dots: [String: PrintedDot] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("dot entity ") {
            let parts = line.split(separator: " ")
            guard parts.count >= 5, let x = Double(parts[3]), let y = Double(parts[4]) else { continue }
            let id = String(parts[2])
            dots[id] = PrintedDot(id: id, x: x, y: y)
        }
        return dots
    }

    /// Two copies of CoopDots, host and joiner, each holding right and down for a second and
    /// then resting: at frame 300 each prints its view (the host then waits for the joiner to
    /// leave), and both dots agree on both screens to within a sixty-fourth of a unit (the
    /// quantization step), each having reached the field's right edge (x 39, from 20).
    @Test func coopDotsTwoCopiesAgreeOnEveryDot() throws {
        let host = try BackgroundProcess(ProcessHarness.product("CoopDots"), ["host", "--bot", "--frames", "300"])
        defer { host.stop() }
        #expect(host.waitFor("Hosting on port"))
        let port = try #require(
            host.output.split(separator: "\n").first { $0.hasPrefix("Hosting on port") }?
                .split(separator: " ")[3].dropLast())
        let client = try BackgroundProcess(
            ProcessHarness.product("CoopDots"), ["join", "127.0.0.1", String(port), "--bot", "--frames", "300"])
        defer { client.stop() }
        #expect(client.waitForExit(timeout: .seconds(30)))
        #expect(host.waitForExit(timeout: .seconds(30)))
        #expect(client.process.terminationStatus == 0, "\(client.output)")
        let onHost = Self.dots(in: host.output)
        let onClient = Self.dots(in: client.output)
        #expect(onHost.count == 2, "\(host.output)")
        #expect(onClient.count == 2, "\(client.output)")
        for (id, dot) in onHost {
            let seen = try #require(onClient[id])
            #expect(abs(seen.x - dot.x) <= 1.0 / 64 && abs(seen.y - dot.y) <= 1.0 / 64, "\(id): \(seen) vs \(dot)")
            #expect(dot.x == 39, "\(id) should have reached the right edge: \(dot)")
        }
    }

    /// A failed connect prints the library's message and exits non-zero: no backtrace.
    @Test func helloNetplayExplainsAFailedConnectAndExitsNonZero() throws {
        let result = try ProcessHarness.run(
            ProcessHarness.product("HelloNetplay"), ["join", "not-an-address"], timeout: .seconds(30))
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("HelloNetplay: "), "\(result.output)")
        #expect(!result.output.contains("Fatal error") && !result.output.contains("backtrace"))
    }
}
