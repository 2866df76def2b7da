import Foundation
import SkirmishCore
import SkirmishNet
import Testing

/// Skirmish survives its host, in one process over loopback UDP: a host and two clients play
/// (bots), the host quits mid-wave, and the first client to join continues the game as host,
/// from where it stood, while the second rejoins it. (The crash case, which waits out the
/// host's silence, runs as real processes in HostMigrationBotProcessTests.)
@Suite("Game sessions when the host quits")
struct HostMigrationSessionTests {
    static let frame = Duration.seconds(1) / 30

    @Test func theFirstClientTakesOverTheSameWaveAndTheOtherFollows() async throws {
        var settings = SessionSettings.loopback
        settings.discovery = nil
        settings.port = 0
        settings.gameName = ProcessRunner.uniqueGame("migrate")
        let host = try await GameSession.host(settings: settings)
        let joinString = try #require(host.joinString)
        let first = try await GameSession.join(joinString: joinString, settings: settings)
        let second = try await GameSession.join(joinString: joinString, settings: settings)
        let sessions = [host, first, second]
        var views = sessions.map { $0.update(input: .idle) }
        func play(until done: () -> Bool, seconds: Int) async throws -> Bool {
            for _ in 0..<(seconds * 30) {
                views = sessions.map { $0.update(input: $0.botInput()) }
                if done() { return true }
                try await Task.sleep(for: Self.frame)
            }
            return false
        }
        // Creeps on every screen, and the succession plan shared (it goes out with the joins).
        let creepsOut = try await play(
            until: { views.allSatisfy { $0.creeps.count >= 2 && $0.wave >= 1 && $0.players.count == 3 } }, seconds: 15)
        #expect(creepsOut, "views: \(views.map { ($0.wave, $0.creeps.count, $0.players.count) })")
        let before = views
        await host.close()

        var firstView = views[1]
        var secondView = views[2]
        var tookOver = false
        var followed = false
        for _ in 0..<(5 * 30) where !(tookOver && followed) {
            firstView = first.update(input: first.botInput())
            secondView = second.update(input: second.botInput())
            tookOver = first.isHost
            followed = secondView.host == firstView.localPlayer && secondView.renderTick != nil
            try await Task.sleep(for: Self.frame)
        }
        // A little play under the new host; its own player answers its keys (as `.host` now).
        let startX = try #require(firstView.me?.x)
        let right = PlayerInput(moveX: 1)
        for _ in 0..<30 {
            firstView = first.update(input: right)
            secondView = second.update(input: second.botInput())
            try await Task.sleep(for: Self.frame)
        }
        #expect(
            try #require(firstView.me?.x) > startX
                || firstView.me?.x == SkirmishRules.arenaWidth - SkirmishRules.playerRadius)
        let firstReport = first.report
        let secondReport = second.report
        await second.close()
        await first.close()
        print("host quit: new host \(firstReport.handovers), follower \(secondReport.handovers)")

        #expect(tookOver && first.isHost, "the first to join hosts now")
        #expect(firstView.hostLabel == "You host" && firstView.host == firstView.localPlayer)
        #expect(firstReport.role == "host (took over)")
        #expect(followed, "the second follows the new host: \(secondView.notice ?? "")")
        #expect(secondView.hostLabel.hasPrefix("Host: P"))
        #expect(secondView.ended == nil && firstView.ended == nil)
        #expect(firstView.players.count == 2, "the old host's player left with it")
        #expect(!firstView.players.contains { $0.id == before[0].localPlayer })
        #expect(Set(secondView.players.map(\.id)) == Set(firstView.players.map(\.id)))
        #expect(secondView.me?.id == before[2].localPlayer, "the second keeps its player")

        let took = try #require(firstReport.handovers.last)
        #expect(took.tookOver && took.newHost == before[1].localPlayer.rawValue)
        #expect(took.waveBefore >= 1 && took.waveAfter == took.waveBefore, "the same wave goes on")
        // The creeps the new host continued are where its screen last showed them.
        let drawn = Dictionary(uniqueKeysWithValues: took.creepsLastDrawn.map { ($0.id, $0) })
        let matched = took.creepsAtTakeover.compactMap { spot in drawn[spot.id].map { (spot, $0) } }
        #expect(!matched.isEmpty)
        for (inherited, shown) in matched {
            #expect(hypot(inherited.x - shown.x, inherited.y - shown.y) <= Self.tile, "\(inherited) vs \(shown)")
        }
        let follower = try #require(secondReport.handovers.last)
        #expect(!follower.tookOver && follower.newHost == took.newHost)
        #expect(follower.stoppedMs.map { $0 <= 1_000 } == true, "a host that quits hands over at once: \(follower)")
    }

    /// The terminal's narrowest cell, in world units (80 columns across the arena): a creep
    /// continued within it is drawn in the same place.
    static let tile = SkirmishRules.arenaWidth / 80
}
