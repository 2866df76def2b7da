import ArgumentParser
import Foundation
import Netplay
import NetplayDrivers

/// `netplay host`: a plain host that advertises itself, accepts players and echoes them.
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "host",
        abstract: "Host a game that echoes every message, and advertise it on the network.",
        discussion: """
            Players find it with `netplay discover` or `netplay ping` (no address needed), or \
            join with the printed join string. Prints joins, leaves and statistics; Ctrl-C stops \
            it and tells every player the host shut down. Streams numbered messages back to a \
            `netplay stream` client, and prints interruptions, resumptions and clients that move \
            to a new address, with their time.
            Example: netplay host --game arena --code TIGER7
            """
    )

    @Option(help: "The game name to advertise.") var game = ToolProtocol.defaultGame
    @Option(help: "UDP port for players.") var port = NetHost.defaultPort
    @Option(help: "A numeric address to bind to, e.g. 127.0.0.1 (default: every interface).") var interface: String?
    @Option(help: "A join code players must give (shown in the join string).") var code: String?
    @Option(help: "Your name in adverts.") var name = LocalAddresses.hostName()
    @Option(help: "Where to advertise: \(DiscoveryMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var discovery = DiscoveryMode.lan
    @Option(help: "Seconds between statistics lines (0: never).") var statsInterval = 5.0
    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).") var duration: Double?
    @Option(help: "Most players from one network address.") var maxPeersPerAddress: Int?
    @Option(help: "Handshake packets answered per second per address.") var handshakesPerSecond: Double?
    @Flag(help: "One JSON object per line, for scripts.") var json = false

    func run() async throws {
        let host = try await startHost()
        let output = ToolOutput(json: json)
        output.emit(
            [
                "event": "hosting", "game": game, "port": Int(host.port),
                "join": host.joinString(joinCode: code).description,
            ],
            "hosting '\(game)' on port \(host.port); join string \(host.joinString(joinCode: code))")
        let stop = StopSignal.install()
        let deadline = duration.map { ContinuousClock.now + .seconds($0) }
        var nextStats = ContinuousClock.now + .seconds(statsInterval)
        var streams = HostStreams(output: output)
        while !stop.requested, deadline.map({ ContinuousClock.now < $0 }) ?? true {
            // Wakes the moment a datagram arrives (an echo leaves at once), else when a
            // stream or the clock needs a turn.
            let wait = streams.isStreaming ? Self.streamingWait : Self.idleWait
            for event in host.poll(waitingUpTo: wait) where !streams.handle(event, host: host) {
                switch event {
                case .connected(let peer) where !peer.isHost:
                    output.emit(["event": "joined", "peer": peer.description], "\(peer) joined")
                case .disconnected(let peer, let reason) where !peer.isHost:
                    output.emit(
                        ["event": "left", "peer": peer.description, "reason": reason.description],
                        "\(peer) left: \(reason)")
                case .message(let ping as ToolProtocol.Ping, from: let peer) where !peer.isHost:
                    try? host.send(ping, on: ping.channel, to: .peer(peer))
                    host.flush()
                default:
                    break
                }
            }
            streams.pump(host: host)
            if statsInterval > 0, ContinuousClock.now >= nextStats {
                nextStats = ContinuousClock.now + .seconds(statsInterval)
                let handshakes = host.handshakeStatistics
                output.emit(
                    [
                        "event": "handshakes", "keyExchanges": handshakes.keyExchanges,
                        "pending": handshakes.pendingHandshakes, "throttled": handshakes.throttledHandshakes,
                        "reusedCookies": handshakes.reusedCookies,
                    ],
                    "handshakes: \(handshakes.keyExchanges) key exchanges, \(handshakes.pendingHandshakes) pending, "
                        + "\(handshakes.throttledHandshakes) throttled, \(handshakes.reusedCookies) reused cookies")
                for peer in host.peers where !peer.isHost {
                    guard let stats = host.statistics(for: peer) else { continue }
                    let rttMs = stats.roundTripTime.secondsDouble * 1000
                    let rtt = String(format: "%.1f ms", rttMs)
                    output.emit(
                        [
                            "event": "stats", "peer": peer.description, "rttMs": rttMs,
                            "messagesReceived": stats.messagesReceived,
                        ],
                        "\(peer): rtt \(rtt), \(stats.messagesReceived) messages received")
                }
            }
            host.flush()
        }
        await host.close()
        output.emit(["event": "stopped"], "stopped")
    }

    /// The longest `poll` waits while a stream sends, and otherwise (Ctrl-C, the duration and
    /// address moves are checked between waits).
    static let streamingWait = Duration.milliseconds(1)
    static let idleWait = Duration.milliseconds(10)

    private func startHost() async throws -> NetHost {
        var options = ToolProtocol.options
        // The tool's loop only polls and answers: its own thread does the network's work too,
        // so an echo costs one wake-up here instead of three (see `NetServicing`).
        options.servicing = .gameThread
        if let maxPeersPerAddress { options.maxPeersPerAddress = maxPeersPerAddress }
        if let handshakesPerSecond { options.handshakesPerSecondPerAddress = handshakesPerSecond }
        do {
            return try await NetHost.start(
                game: game, port: port, interface: interface, joinCode: code, messages: ToolProtocol.messages,
                options: options, advertise: discovery.config, hostName: name)
        } catch {
            guard case .portInUse(let port) = error else { throw error }
            throw ToolFailure(
                "Could not host: port \(port) is already in use on this machine (another game or program has it) — use --port 0 for any free port"
            )
        }
    }
}
