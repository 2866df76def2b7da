import ArgumentParser
import SkirmishNet

/// `skirmish-sdl`: Skirmish in an 800 × 600 window, with the terminal `skirmish`'s modes: with
/// none (`play`, also spelled `auto`) it joins a game found on the network or hosts one.
@main
struct SkirmishSDL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skirmish-sdl",
        abstract:
            "Skirmish, the Netplay co-op demo, in a window: arrows or WASD move, space shoots, q or Escape quits.",
        discussion: """
            Examples: skirmish-sdl
                      skirmish-sdl host --code TIGER7
                      skirmish-sdl join NP-0K0A-G08M-KH05-8JA7-8N93-E-V
                      skirmish-sdl join --discovery loopback --bot --screenshot shot.bmp --after 20
            """,
        subcommands: [Play.self, Host.self, Join.self],
        defaultSubcommand: Play.self
    )
}

extension SkirmishSDL {
    /// Joins the first game discovery finds; finding none, hosts one.
    struct Play: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "play", abstract: "Join a game on the network if there is one, else host one (the default).",
            aliases: ["auto"])

        @Option(help: "The join code the game asks for, or to ask for when hosting.")
        var code: String?
        @OptionGroup var options: WindowOptions

        func run() async throws {
            try await GameLoop.play(options: options) { settings in
                try await GameSession.auto(code: code, settings: settings)
            }
        }
    }

    /// Hosts a game others join.
    struct Host: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Host a game and play in it.")

        @Option(help: "A join code players must give (default: anyone on the network may join).")
        var code: String?
        @OptionGroup var options: WindowOptions

        func run() async throws {
            try await GameLoop.play(options: options) { settings in
                try await GameSession.host(code: code, settings: settings)
            }
        }
    }

    /// Joins a game by join string, or the first one discovery finds.
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join a game: the one a join string names, or the first found on the network.")

        @Argument(
            help:
                "The join string the host printed (NP-…) or its address (127.0.0.1, 127.0.0.1:7777, [::1]:7777); without it, discovery looks for a game."
        )
        var joinString: String?
        @Option(help: "The join code the game asks for (a join string already carries it).")
        var code: String?
        @Option(help: "Seconds to look for a game when no join string is given.")
        var timeout = Join.defaultSearchSeconds
        @OptionGroup var options: WindowOptions

        /// Longer than `play`'s one second: asked to join, the player expects a game to be there.
        static let defaultSearchSeconds = 5.0

        func run() async throws {
            try await GameLoop.play(options: options) { settings in
                if let joinString {
                    return try await GameSession.join(joinString: joinString, settings: settings)
                }
                var searching = settings
                searching.searchTimeout = .seconds(timeout)
                guard let game = try await GameSession.find(settings: searching) else {
                    throw FrontEndError.noGameFound(searchedSeconds: timeout)
                }
                return try await GameSession.join(game, code: code, settings: settings)
            }
        }
    }
}
