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
        abstract: "List games on the local network, one per line.",
        discussion: """
            Sends a discovery query by UDP broadcast and multicast, repeats it while waiting, and \
            prints each game that answers: its name, host, address to join, players, whether a \
            join code is needed, and the protocol version and schema fingerprint it speaks.
            Example: netplay discover --game skirmish --timeout 2
            """
    )

    @Option(help: "Only games with this name (default: every game).") var game = ""
    @Option(help: "Seconds to listen.") var timeout = 1.5
    @Flag(help: "One JSON object per line, for scripts.") var json = false
    @Flag(help: "Query 127.0.0.1 only (games on this machine) instead of the network.") var loopback = false

    func run() async throws {
        let config = loopback ? LANDiscoveryConfig.loopback : .lan
        // The tool judges no compatibility: it lists what answers, with the version and fingerprint.
        let browser = try await LANBrowser.start(
            game: game, protocolVersion: 0,
            fingerprint: SchemaFingerprint(bytes: [UInt8](repeating: 0, count: 16))!, config: config)
        try? await Task.sleep(for: .seconds(timeout))
        let games = browser.games
        await browser.stop()
        for found in games { print(json ? Self.json(found) : Self.line(found)) }
        if games.isEmpty && !json { print("no games found within \(timeout) s") }
    }

    static func line(_ game: FoundGame) -> String {
        let advert = game.advert
        let code = advert.requiresJoinCode ? "  join code required" : ""
        return
            "\(advert.gameName)  host \(advert.hostName)  at \(game.address)  \(advert.players)/\(advert.capacity) players\(code)"
            + "  protocol \(advert.protocolVersion)  schema \(SchemaFingerprint(bytes: advert.schemaFingerprint).map(\.description) ?? "?")"
    }

    static func json(_ game: FoundGame) -> String {
        let advert = game.advert
        let object: [String: Any] = [
            "game": advert.gameName, "host": advert.hostName, "address": game.address.description,
            "port": Int(game.address.port), "players": advert.players, "capacity": advert.capacity,
            "joinCodeRequired": advert.requiresJoinCode, "protocolVersion": Int(advert.protocolVersion),
            "schema": SchemaFingerprint(bytes: advert.schemaFingerprint).map(\.description) ?? "",
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
