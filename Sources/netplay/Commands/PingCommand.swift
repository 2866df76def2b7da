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
            then the game found on the network is used (with several, you choose). By address it \
            pings a `netplay host` of any game name, learning the name from the host's refusal. \
            Exits non-zero if any echo came back wrong, if reliable pings were lost, or if the \
            connection failed.
            Examples: netplay ping --count 1000 --reliable
                      netplay ping NP-0K0A-G08M-KH05-8JA7-8N93-E-V
            """
    )

    @Argument(help: "Join string or address[:port]; omit to discover.") var target: String?
    @Option(
        help:
            "Game name to look for or connect to (default: by address, whatever game the host runs; by discovery, every game the echo tool can ping)."
    )
    var game: String?
    @Option(help: "Pings to send.") var count = 100
    @Flag(help: "Send on the reliable-ordered channel (every ping must come back).") var reliable = false
    @Option(help: "Join code, when the target is an address or a discovered game.") var code: String?
    @Option(
        help:
            "Pings in flight at once. With 1 each waits for the last echo, so the times are latency; with more they include the queue."
    )
    var window = 1
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
        guard let target else { return try await connectByDiscovery(output) }
        if target.uppercased().hasPrefix("NP") {
            let join: JoinString
            do {
                join = try JoinString(parsing: target)
            } catch {
                throw ToolFailure("That join string does not work: \(error).")
            }
            if let carried = join.joinCode, let code, code != carried {
                throw ToolFailure(
                    "The join string already carries a join code and --code gives another — use one or the other")
            }
            return try await connect(to: join.address, game: game, code: join.joinCode ?? code, output)
        }
        let (host, port) = Self.split(target)
        return try await connect(to: try PeerAddress(numericHost: host, port: port), game: game, code: code, output)
    }

    /// Connects by address. With no `--game`, a host of another game name is not an error: the
    /// echo tool speaks the same messages whatever the name, so it learns the name from the
    /// host's refusal and connects again under it.
    private func connect(to address: PeerAddress, game: String?, code: String?, _ output: ToolOutput) async throws
        -> NetClient
    {
        let options = ToolProtocol.options
        do {
            let say: @Sendable (String) -> Void = { output.progress($0) }
            return try await ConnectAdvice.withProgress(to: address, giveUpAfter: options.timeout, say: say) {
                try await NetClient.connect(
                    to: address, game: game ?? ToolProtocol.defaultGame, joinCode: code,
                    messages: ToolProtocol.messages, options: options)
            }
        } catch NetError.refused(.wrongGame(let hostGame, _)) where game == nil {
            output.progress("The host at \(address) runs '\(hostGame)'; pinging it as '\(hostGame)'.")
            return try await connect(to: address, game: hostGame, code: code, output)
        } catch {
            throw ToolFailure(ConnectAdvice.explain(error, address: address, timeout: options.timeout))
        }
    }

    private func connectByDiscovery(_ output: ToolOutput) async throws -> NetClient {
        guard let config = discovery.config else { throw ValidationError("give a TARGET or a --discovery mode") }
        let games = try await Discovery.games(
            game: game ?? "", timeout: .seconds(timeout), protocolVersion: ToolProtocol.version,
            fingerprint: ToolProtocol.fingerprint, config: config)
        let joinable = games.filter { $0.compatibility == .compatible }
        guard !games.isEmpty else {
            let what = game.map { "No '\($0)' game" } ?? "No game"
            throw ToolFailure(
                "\(what) answered within \(String(format: "%g", timeout)) s. If the network blocks discovery (many Wi-Fi access points do), join with the host's join string: netplay ping NP-…"
            )
        }
        guard !joinable.isEmpty else {
            throw ToolFailure(
                "Found only games the echo tool cannot ping: "
                    + games.map(\.description).joined(separator: "; "))
        }
        let found = joinable.count == 1 ? joinable[0] : try GameChoice.choose(from: joinable, output: output)
        if found.advert.requiresJoinCode, code == nil {
            throw ToolFailure(
                "This game needs a join code — ask \(found.advert.hostName) for it, then add --code CODE")
        }
        output.emit(["event": "found", "game": found.description], "found \(found)")
        return try await connect(to: found.address, game: found.advert.gameName, code: code, output)
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
