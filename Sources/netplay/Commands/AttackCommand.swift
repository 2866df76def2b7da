import ArgumentParser
import Foundation
import NetplayChannels

/// `netplay attack`: the attacks of a security review, full size, against a `netplay host` it
/// starts on 127.0.0.1. Each prints its acceptance figure and whether it passed.
struct AttackCommand: AsyncParsableCommand {
    enum Scenario: String, ExpressibleByArgument, CaseIterable {
        case lockout
        case helloFlood = "hello-flood"
        case replayFlood = "replay-flood"
        case reassembly
        case silentPeer = "silent-peer"
    }

    static let configuration = CommandConfiguration(
        commandName: "attack",
        abstract: "Attack a local `netplay host` (127.0.0.1 only) and measure how it holds.",
        discussion: """
            Scenarios: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")). The attacker sends \
            from its own loopback address (--attacker, default 127.0.0.2), the legitimate client from \
            127.0.0.1, as two machines would. Example: netplay attack lockout --json
            """
    )

    @Argument(help: "Which attack: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenario: Scenario
    @Option(help: "The attacker's source address (127.0.0.0/8 only).") var attacker = "127.0.0.2"
    @Option(help: "lockout: handshakes per second.") var rate = 100
    @Option(help: "lockout, floods: attacker ports.") var ports = 64
    @Option(help: "lockout: seconds of attack.") var duration = 30.0
    @Option(help: "lockout: the legitimate client's connection attempts.") var attempts = 20
    @Option(
        help:
            "lockout, floods: open the host's per-address handshake bucket to this rate, to test the other defences alone."
    )
    var hostHandshakeRate: Double?
    @Option(help: "floods: reliable pings the legitimate client sends.") var pings = 1_000
    @Option(help: "reassembly: attacking connections.") var connections = 16
    @Option(help: "reassembly: first fragments per connection (default: the reliable window); silent-peer: pings.")
    var messages: Int?
    @Flag(help: "One JSON object per result, for scripts.") var json = false

    func run() async throws {
        let scenarios = AttackScenarios(attacker: attacker, output: ToolOutput(json: json))
        let result: [String: Any]
        switch scenario {
        case .lockout:
            result = try await scenarios.lockout(
                rate: rate, ports: ports, duration: .seconds(duration), attempts: attempts,
                hostHandshakeRate: hostHandshakeRate)
        case .helloFlood:
            result = try await scenarios.flood(
                replay: false, pings: pings, ports: ports, hostHandshakeRate: hostHandshakeRate)
        case .replayFlood:
            result = try await scenarios.flood(
                replay: true, pings: pings, ports: ports, hostHandshakeRate: hostHandshakeRate)
        case .reassembly:
            result = try await scenarios.reassembly(
                connections: connections, messages: messages ?? ReliableReceiveChannel.window)
        case .silentPeer:
            result = try await scenarios.silentPeer(messages: messages ?? 3_000, limit: .seconds(40))
        }
        if result["passed"] as? Bool == false { throw ExitCode(1) }
    }
}
