import Foundation
import Netplay
import SkirmishNet

/// Asks the player, before the game screen starts, which game to join and for its join code,
/// instead of joining whichever host answered first. Without a terminal (headless), it says
/// what to type instead.
struct JoinPrompt {
    /// Whether a player can answer questions on this terminal.
    let interactive: Bool

    /// Wrong answers tolerated before giving up: a prompt never loops forever.
    static let maxAttempts = 3

    /// One game, chosen by the player when there are several.
    func pick(_ games: [FoundGame]) throws(SessionError) -> FoundGame {
        guard games.count > 1 else {
            guard let only = games.first else { throw SessionError("No game to join.") }
            return only
        }
        let listing = games.enumerated().map { index, game in
            "  \(index + 1)) \(game.advert.hostName)'s game at \(game.address): "
                + "\(game.advert.players)/\(game.advert.capacity) players"
                + (game.advert.requiresJoinCode ? ", join code required" : "")
        }
        say("Found \(games.count) Skirmish games:\n" + listing.joined(separator: "\n"))
        guard interactive else {
            let example = JoinString(address: games[0].address)
            throw SessionError(
                "Found \(games.count) games; join one by its join string, e.g. skirmish join \(example)")
        }
        for _ in 0..<Self.maxAttempts {
            say("Join which? [1-\(games.count)] ", newline: false)
            guard let line = readLine() else { break }
            if let number = Int(line.trimmingCharacters(in: .whitespaces)), games.indices.contains(number - 1) {
                return games[number - 1]
            }
        }
        throw SessionError("No game chosen. Run skirmish again to choose, or join with a join string.")
    }

    /// The join code to use for `game`: the one given, or asked for when the game needs one.
    func code(for game: FoundGame, given: String?) throws(SessionError) -> String? {
        guard game.advert.requiresJoinCode, given?.isEmpty ?? true else { return given }
        guard interactive else {
            throw SessionError(
                "This game needs a join code: ask \(game.advert.hostName) for it, then join with --code CODE.")
        }
        say("This game needs a join code (\(game.advert.hostName) has it). Code: ", newline: false)
        guard let line = readLine()?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
            throw SessionError("This game needs a join code: ask \(game.advert.hostName) for it.")
        }
        return line
    }

    private func say(_ text: String, newline: Bool = true) {
        FileHandle.standardOutput.write(Data((text + (newline ? "\n" : "")).utf8))
    }
}

/// Says, once a connection has taken a while, that it is still trying, so a dead address is
/// not a blank screen for ten seconds.
enum ConnectProgress {
    /// A live host on a LAN answers in milliseconds; after this long, say something.
    static let stillTryingAfter = Duration.seconds(2)

    static func reporting(_ target: String, _ body: () async throws(SessionError) -> GameSession)
        async throws(SessionError) -> GameSession
    {
        let reporter = Task {
            try await Task.sleep(for: stillTryingAfter)
            let giveUp = SkirmishProtocol.options.timeout.components.seconds
            FileHandle.standardOutput.write(
                Data("No answer from \(target) yet; still trying (giving up after \(giveUp) s)…\n".utf8))
        }
        defer { reporter.cancel() }
        return try await body()
    }
}
