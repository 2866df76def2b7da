import ArgumentParser
import Foundation
import Netplay
import NetplayDrivers

/// `netplay ping`: connects to a host and measures round trips, verifying every echo.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Measure round-trip time, jitter and loss to a Netplay host, verifying every echo.",
        discussion: """
            TARGET is a join string (NP-…), an address (192.168.1.20, [::1]:7777), or nothing: \
            then the first game found on the network is used. Exits non-zero if any echo came \
            back wrong, if reliable pings were lost, or if the connection failed.
            Examples: netplay ping --count 1000 --reliable
                      netplay ping NP-0K0A-G08M-KH05-8JA7-8N93-E-V
            """
    )

    @Argument(help: "Join string or address[:port]; omit to discover.") var target: String?
    @Option(help: "Game name to look for and connect to.") var game = ToolProtocol.defaultGame
    @Option(help: "Pings to send.") var count = 100
    @Flag(help: "Send on the reliable-ordered channel (every ping must come back).") var reliable = false
    @Option(help: "Join code, when the target is an address.") var code: String?
    @Option(help: "Pings in flight at once.") var window = 16
    @Option(help: "Payload bytes per ping.") var payloadBytes = 16
    @Option(help: "Seconds to wait for an echo before counting the ping lost.") var echoTimeout = 2.0
    @Option(help: "Seconds to look for a game when no target is given.") var timeout = 3.0
    @Option(help: "How to look for games: \(DiscoveryMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var discovery = DiscoveryMode.lan
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        guard count > 0, window > 0, payloadBytes >= 0, payloadBytes <= 1024 else {
            throw ValidationError("count and window must be positive, payload 0...1024 bytes")
        }
    }

    func run() async throws {
        let output = ToolOutput(json: json)
        let client = try await connect(output)
        let run = PingRun(
            client: client, count: count, window: window, reliable: reliable,
            payloadBytes: payloadBytes, echoTimeout: .seconds(echoTimeout), output: output)
        let summary = await run.run()
        await client.close()
        output.emit(summary.json, summary.text)
        if !summary.passed(reliable: reliable) { throw ExitCode.failure }
    }

    private func connect(_ output: ToolOutput) async throws -> NetClient {
        let messages = ToolProtocol.messages
        let options = ToolProtocol.options
        guard let target else {
            guard let config = discovery.config else { throw ValidationError("give a TARGET or a --discovery mode") }
            let found = try await Discovery.first(
                game: game, timeout: .seconds(timeout), protocolVersion: ToolProtocol.version,
                fingerprint: ToolProtocol.fingerprint, config: config)
            output.emit(["event": "found", "game": found.description], "found \(found)")
            return try await NetClient.connect(to: found, joinCode: code, messages: messages, options: options)
        }
        if target.uppercased().hasPrefix("NP") {
            return try await NetClient.connect(joinString: target, game: game, messages: messages, options: options)
        }
        let (host, port) = Self.split(target)
        return try await NetClient.connect(
            to: host, port: port, game: game, joinCode: code, messages: messages, options: options)
    }

    /// `"[::1]:7777"`, `"::1"`, `"127.0.0.1:7777"` or `"127.0.0.1"` into host and port.
    static func split(_ target: String) -> (String, Int) {
        if target.hasPrefix("["), let close = target.firstIndex(of: "]") {
            let host = String(target[target.index(after: target.startIndex)..<close])
            let rest = target[target.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? NetHost.defaultPort : NetHost.defaultPort)
        }
        let parts = target.split(separator: ":")
        if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
        return (target, NetHost.defaultPort)
    }
}
