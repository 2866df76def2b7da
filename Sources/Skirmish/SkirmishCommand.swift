import ArgumentParser
import Foundation
import Netplay
import SkirmishNet

/// `skirmish`: the co-op demo game of Netplay, in the terminal or headless with a bot.
@main
struct SkirmishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skirmish",
        abstract: "Skirmish: co-op arena shooter, the Netplay demo. Arrows or WASD move, space shoots, q quits.",
        discussion: """
            With no subcommand it looks for a game on the network for a second and joins it, \
            or hosts one and tells you how others join.
            Examples: skirmish
                      skirmish host --code TIGER7
                      skirmish join NP-0K0A-G08M-KH05-8JA7-8N93-E-V
                      skirmish host --headless --bot --duration 20 --report host.json
            """,
        subcommands: [PlayCommand.self, HostCommand.self, JoinCommand.self],
        defaultSubcommand: PlayCommand.self
    )
}

/// `skirmish play` (the default): join a game on the network, or host one.
struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play", abstract: "Join a game on the network if there is one, else host one (the default).")

    @Option(help: "The join code, if the game you join (or host) has one.") var code: String?
    @OptionGroup var options: GameOptions

    func run() async throws {
        let prompt = JoinPrompt(interactive: options.canAsk)
        try await GameRunner(options: options).run { settings in
            let games = try await GameSession.findAll(settings: settings)
            let joinable = games.filter { $0.compatibility == .compatible }
            guard !joinable.isEmpty else {
                guard games.isEmpty else {
                    throw SessionError(
                        "Found only games this copy cannot join: " + games.map(\.description).joined(separator: "; "))
                }
                return try await .hostSinceNoneFound(code: code, settings: settings)
            }
            let game = try prompt.pick(joinable)
            return try await ConnectProgress.reporting("\(game.address)") { () async throws(SessionError) in
                try await .join(game, code: try prompt.code(for: game, given: code), settings: settings)
            }
        }
    }
}

/// `skirmish host`: host a game.
struct HostCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "host", abstract: "Host a game for up to 3 others.")

    @Option(help: "A join code players must give (it is part of the printed join string).") var code: String?
    @OptionGroup var options: GameOptions

    func run() async throws {
        try await GameRunner(options: options).run { settings in
            try await .host(code: code, settings: settings)
        }
    }
}

/// `skirmish join`: join a game by join string, or the first one discovery finds.
struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Join a game: by the join string its host printed, or the first found on the network.")

    @Argument(
        help:
            "The host's join string (NP-…) or address (127.0.0.1, 127.0.0.1:7777, [::1]:7777); omit to join the first game found."
    )
    var joinString: String?
    @Option(help: "The join code: for a game found on the network, or one whose join string carries none.")
    var code: String?
    @Option(help: "Seconds to look for a game when no join string is given.") var timeout = 5.0
    @OptionGroup var options: GameOptions

    func run() async throws {
        let prompt = JoinPrompt(interactive: options.canAsk)
        try await GameRunner(options: options).run { settings in
            if let joinString {
                let target = (try? JoinString(parsing: joinString)).map { "\($0.address)" } ?? "the host"
                return try await ConnectProgress.reporting(target) { () async throws(SessionError) in
                    try await .join(joinString: joinString, code: code, settings: settings)
                }
            }
            var searching = settings
            searching.searchTimeout = .seconds(timeout)
            let games = try await GameSession.findAll(settings: searching)
            let joinable = games.filter { $0.compatibility == .compatible }
            guard !joinable.isEmpty else {
                guard games.isEmpty else {
                    throw SessionError(
                        "Found only games this copy cannot join: " + games.map(\.description).joined(separator: "; "))
                }
                throw SessionError(
                    "No Skirmish game answered within \(String(format: "%g", timeout)) s. Host one with `skirmish host`; if the network blocks discovery (many Wi-Fi access points do), join with the host's join string: skirmish join NP-…"
                )
            }
            let game = try prompt.pick(joinable)
            return try await ConnectProgress.reporting("\(game.address)") { () async throws(SessionError) in
                try await .join(game, code: try prompt.code(for: game, given: code), settings: settings)
            }
        }
    }
}
