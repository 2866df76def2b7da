import ArgumentParser
import SkirmishNet

/// `skirmish-sdl`: Skirmish in an 800 × 600 window. The same modes as the terminal `skirmish`:
/// with no mode it joins a game found on the network or hosts one.
@main
struct SkirmishSDL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skirmish-sdl",
        abstract: "Skirmish, the Netplay co-op demo, in a window: arrows or WASD move, space shoots, q or Escape quits.",
        subcommands: [Auto.self, Host.self, Join.self],
        defaultSubcommand: Auto.self
    )
}

extension SkirmishSDL {
    /// Joins the first game discovery finds; finding none, hosts one.
    struct Auto: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join a game on the network, or host one if there is none (the default).")

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
        static let configuration = CommandConfiguration(abstract: "Join a game: the one a join string names, or the first found on the network.")

        @Argument(help: "The join string the host printed (NP-…); without it, discovery looks for a game.")
        var joinString: String?
        @Option(help: "The join code the game asks for (a join string already carries it).")
        var code: String?
        @OptionGroup var options: WindowOptions

        func run() async throws {
            try await GameLoop.play(options: options) { settings in
                if let joinString {
                    return try await GameSession.join(joinString: joinString, settings: settings)
                }
                guard let game = try await GameSession.find(settings: settings) else {
                    throw FrontEndError.noGameFound
                }
                return try await GameSession.join(game, code: code, settings: settings)
            }
        }
    }
}
