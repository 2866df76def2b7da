import Foundation
import SkirmishCore
import SkirmishNet
import Testing

/// Finding, filling and leaving games, over loopback UDP and loopback discovery.
@Suite("Auto, seats and leaving")
struct MatchmakingTests {
    static func settings(_ tag: String) -> SessionSettings {
        var settings = SessionSettings.loopback
        settings.port = 0
        settings.gameName = ProcessRunner.uniqueGame(tag)
        // Loopback answers in milliseconds; half a second keeps the test quick.
        settings.searchTimeout = .milliseconds(500)
        return settings
    }

    @Test func autoHostsWhenNothingIsFoundAndTheNextAutoJoinsIt() async throws {
        let settings = Self.settings("auto")
        let first = try await GameSession.auto(settings: settings)
        #expect(first.isHost)
        #expect(first.notice.hasPrefix("No game found, so you are hosting one."))
        #expect(first.update(input: .idle).notice?.hasPrefix("No game found, so you host. Join string: NP-") == true)
        let second = try await GameSession.auto(settings: settings)
        #expect(!second.isHost)
        #expect(second.notice.hasPrefix("Joined"))
        await second.close()
        await first.close()
    }

    @Test func aFifthPlayerIsToldTheGameIsFullUntilASeatFrees() async throws {
        var settings = Self.settings("full")
        settings.discovery = nil
        let host = try await GameSession.host(settings: settings)
        let join = try #require(host.joinString)
        var clients: [GameSession] = []
        for _ in 1..<SkirmishRules.maxPlayers {
            clients.append(try await GameSession.join(joinString: join, settings: settings))
        }
        var seated = 0
        for _ in 0..<50 where seated < SkirmishRules.maxPlayers {
            seated = host.update(input: .idle).players.count
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seated == SkirmishRules.maxPlayers)

        await #expect {
            _ = try await GameSession.join(joinString: join, settings: settings)
        } throws: { error in
            "\(error)".contains("full")
        }

        await clients.removeLast().close()
        for _ in 0..<50 where seated == SkirmishRules.maxPlayers {
            seated = host.update(input: .idle).players.count
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(seated == SkirmishRules.maxPlayers - 1, "the leaver's seat is free")
        let late = try await GameSession.join(joinString: join, settings: settings)
        clients.append(late)
        for client in clients { await client.close() }
        await host.close()
    }
}
