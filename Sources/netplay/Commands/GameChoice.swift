import Foundation
import Netplay

/// Lets the user pick one of several games discovery found, instead of joining whichever
/// answered first (a stranger's game on the same LAN, say).
enum GameChoice {
    /// Wrong answers tolerated before giving up: the prompt never loops forever.
    static let maxAttempts = 3

    /// Lists `games` on standard error and asks which to join when standard input is a
    /// terminal; otherwise fails with the list and how to pick one by address.
    static func choose(from games: [FoundGame], output: ToolOutput) throws -> FoundGame {
        let listing = games.enumerated().map { index, game in
            "  \(index + 1)) \(game.advert.gameName)  host \(game.advert.hostName)  at \(game.address)  "
                + "\(game.advert.players)/\(game.advert.capacity) players"
                + (game.advert.requiresJoinCode ? "  join code required" : "")
        }
        output.progress("Found \(games.count) games:\n" + listing.joined(separator: "\n"))
        guard isatty(STDIN_FILENO) == 1 else {
            throw ToolFailure(
                "Found \(games.count) games; choose one by its address, e.g. netplay ping \(games[0].address), or narrow with --game NAME"
            )
        }
        for _ in 0..<maxAttempts {
            output.progress("Join which? [1-\(games.count)] ", newline: false)
            guard let line = readLine() else { break }
            if let number = Int(line.trimmingCharacters(in: .whitespaces)), games.indices.contains(number - 1) {
                return games[number - 1]
            }
        }
        throw ToolFailure("No game chosen; run again, or ping one by address: netplay ping \(games[0].address)")
    }
}
