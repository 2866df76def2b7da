import ArgumentParser
import Foundation
import Netplay
import NetplayDiscovery
import NetplayDrivers
import NetplayWire

/// `netplay discover`: lists the games answering on the local network.
struct DiscoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover",
        abstract: "List games on the local network, one per line, as they answer.",
        discussion: """
            Sends a discovery query on every network interface (subnet broadcast, IPv4 and IPv6 \
            multicast), repeats it while waiting, and prints each game as it answers: its name, \
            host, address to join, players, whether a join code is needed, the protocol version \
            and schema fingerprint it speaks, and how long after the start it was found. Exits \
            non-zero when nothing answered.
            Example: netplay discover --game skirmish --timeout 2
            """
    )

    @Option(help: "Only games with this name (default: every game).") var game = ""
    @Option(help: "Seconds to listen.") var timeout = 1.5
    @Flag(help: "Stop as soon as one game is listed.") var first = false
    @Flag(help: "One JSON object per line, for scripts.") var json = false
    @Flag(help: "Query 127.0.0.1 only (games on this machine) instead of the network.") var loopback = false
    @Option(help: "How to look: \(DiscoveryMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var discovery = DiscoveryMode.lan

    func run() async throws {
        let started = ContinuousClock.now
        guard let config = loopback ? LANDiscoveryConfig.loopback : discovery.config else {
            throw ValidationError("--discovery none leaves nothing to look with")
        }
        // The tool judges no compatibility: it lists what answers, with the version and fingerprint.
        let browser = try await LANBrowser.start(
            game: game, protocolVersion: 0,
            fingerprint: SchemaFingerprint(bytes: [UInt8](repeating: 0, count: 16))!, config: config)
        let listed = await withTaskGroup(of: Int.self) { group -> Int in
            group.addTask {
                var listed = 0
                for await event in browser.events {
                    guard case .found(let found) = event else { continue }
                    let elapsed = (ContinuousClock.now - started).secondsDouble * 1000
                    let line = json ? Self.json(found, foundAfterMs: elapsed) : Self.line(found)
                    // Written at once, unbuffered: a script timing discovery reads it as it happens.
                    FileHandle.standardOutput.write(Data((line + "\n").utf8))
                    listed += 1
                    if first { break }
                }
                return listed
            }
            group.addTask {
                try? await Task.sleep(until: started + .seconds(timeout))
                return 0
            }
            let listed = await group.next() ?? 0
            await browser.stop()
            group.cancelAll()
            return listed + (await group.next() ?? 0)
        }
        if listed == 0 {
            FileHandle.standardError.write(Data((Self.nothingFound(game: game, timeout: timeout) + "\n").utf8))
            throw ExitCode.failure
        }
    }

    /// One line: nothing answered, and how to join anyway.
    static func nothingFound(game: String, timeout: Double) -> String {
        let what = game.isEmpty ? "No games" : "No '\(game)' game"
        return
            "\(what) answered within \(String(format: "%g", timeout)) s. If the network blocks discovery (many Wi-Fi access points do), join with the host's join string: netplay ping NP-…"
    }

    static func line(_ game: FoundGame) -> String {
        let advert = game.advert
        let code = advert.requiresJoinCode ? "  join code required" : ""
        return
            "\(advert.gameName)  host \(advert.hostName)  at \(game.address)  \(advert.players)/\(advert.capacity) players\(code)"
            + "  protocol \(advert.protocolVersion)  schema \(SchemaFingerprint(bytes: advert.schemaFingerprint).map(\.description) ?? "?")"
    }

    static func json(_ game: FoundGame, foundAfterMs: Double) -> String {
        let advert = game.advert
        let object: [String: Any] = [
            "game": advert.gameName, "host": advert.hostName, "address": game.address.description,
            "port": Int(game.address.port), "players": advert.players, "capacity": advert.capacity,
            "joinCodeRequired": advert.requiresJoinCode, "protocolVersion": Int(advert.protocolVersion),
            "schema": SchemaFingerprint(bytes: advert.schemaFingerprint).map(\.description) ?? "",
            "foundAfterMs": (foundAfterMs * 10).rounded() / 10,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
