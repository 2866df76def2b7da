import Foundation
import SkirmishCore
import SkirmishNet
import Testing

/// Two `GameSession`s in one process over real UDP on 127.0.0.1, both played by bots.
@Suite("Game sessions over loopback UDP")
struct LoopbackSessionTests {
    /// Seconds of game time: the first wave arrives after 1.5 s, so 5 s shows creeps coming
    /// and dying, bullets flying and both players moving.
    static let seconds = 5.0

    @Test func hostAndClientPlayTogetherWithinTheReplicationBound() async throws {
        var settings = SessionSettings.loopback
        settings.discovery = nil  // joined by join string: no adverts needed
        settings.port = 0
        settings.gameName = ProcessRunner.uniqueGame("loop")
        let host = try await GameSession.host(settings: settings)
        let joinString = try #require(host.joinString)
        #expect(joinString.hasPrefix("NP-"))
        let client = try await GameSession.join(joinString: joinString, settings: settings)

        let frame = Duration.seconds(1) / 30
        let deadline = ContinuousClock.now + .seconds(Self.seconds)
        var next = ContinuousClock.now
        var clientSawHost = false
        var lastHostView = FrameView()
        var lastClientView = FrameView()
        while ContinuousClock.now < deadline {
            lastHostView = host.update(input: host.botInput())
            lastClientView = client.update(input: client.botInput())
            if lastClientView.players.contains(where: { !$0.isLocal && $0.id == lastHostView.localPlayer }) {
                clientSawHost = true
            }
            #expect(lastHostView.ended == nil && lastClientView.ended == nil)
            if lastHostView.ended != nil || lastClientView.ended != nil { break }
            next += frame
            try await Task.sleep(until: next)
        }
        let hostReport = host.report
        let clientReport = client.report
        await client.close()
        // The host sees the client leave, and its seat free up.
        var seatFreed = false
        for _ in 0..<60 where !seatFreed {
            seatFreed = host.update(input: .idle).players.count == 1
            try await Task.sleep(for: frame)
        }
        await host.close()
        print("loopback sessions: host \(hostReport), client \(clientReport)")

        #expect(hostReport.ticksSimulated >= Int(Self.seconds * 30 * 0.8))
        #expect(clientReport.hostTick >= hostReport.ticksSimulated - 30)
        #expect(clientReport.maxCreeps > 0, "the client saw creeps")
        #expect(clientReport.maxPlayers == 2 && clientSawHost, "the client saw the host's player")
        #expect(lastHostView.players.count == 2, "the host saw the client's player")
        #expect(clientReport.bulletsSeen > 0)
        #expect(!clientReport.disconnected)
        #expect(clientReport.remotePositionsChecked > 100)
        #expect(clientReport.maxRemotePositionDifference <= SessionReport.replicationBound)
        #expect(clientReport.ownPositionsChecked > 50)
        #expect(clientReport.maxOwnPositionDifference <= SessionReport.replicationBound)
        #expect(seatFreed, "a leaving player frees the seat")
    }

    @Test func clientHearsThatTheHostEndedTheGame() async throws {
        var settings = SessionSettings.loopback
        settings.discovery = nil
        settings.port = 0
        settings.gameName = ProcessRunner.uniqueGame("end")
        // Without migration the game is the host's: its players hear that it ended it.
        settings.hostMigration = false
        let host = try await GameSession.host(settings: settings)
        let client = try await GameSession.join(joinString: try #require(host.joinString), settings: settings)
        _ = host.update(input: .idle)
        _ = client.update(input: .idle)
        await host.close()
        var ended: String?
        for _ in 0..<100 where ended == nil {
            ended = client.update(input: .idle).ended
            try await Task.sleep(for: .milliseconds(20))
        }
        await client.close()
        #expect(ended == "The host ended the game.")
    }
}
