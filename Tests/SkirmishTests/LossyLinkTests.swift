import Foundation
import Netplay
import SkirmishCore
import SkirmishNet
import Testing

/// The two sessions again, with a bad link between them: the replication issue's 5 % loss each
/// way and 80 ± 20 ms round trips (40 ± 10 ms each way), through a relay on 127.0.0.1.
@Suite("Game sessions through a lossy link")
struct LossyLinkTests {
    static let seconds = 8.0
    static let link = LossyRelay.Link(loss: 0.05, latency: .milliseconds(40), jitter: .milliseconds(10))

    @Test func positionsStayWithinTheBoundThroughLossAndLatency() async throws {
        var settings = SessionSettings.loopback
        settings.discovery = nil
        settings.port = 0
        settings.gameName = ProcessRunner.uniqueGame("lossy")
        let host = try await GameSession.host(settings: settings)
        let direct = try JoinString(parsing: try #require(host.joinString))
        let relay = try LossyRelay(toHostPort: direct.address.port, link: Self.link, seed: 5)
        defer { relay.stop() }
        let viaRelay = JoinString(address: try PeerAddress(numericHost: "127.0.0.1", port: Int(relay.port)))
        let client = try await GameSession.join(joinString: viaRelay.description, settings: settings)

        let frame = Duration.seconds(1) / 30
        let deadline = ContinuousClock.now + .seconds(Self.seconds)
        var next = ContinuousClock.now
        var ended: String?
        var truth = HostTruth()
        while ContinuousClock.now < deadline, ended == nil {
            let hostView = host.update(input: host.botInput())
            truth.record(hostView)
            let clientView = client.update(input: client.botInput())
            truth.compare(clientView)
            ended = hostView.ended ?? clientView.ended
            next += frame
            try await Task.sleep(until: next)
        }
        let report = client.report
        await client.close()
        await host.close()
        truth.settle()
        print(
            "lossy link: relay \(relay.figures), client \(report), against the host's world directly: \(truth.checked) positions, max \(truth.maxDifference)"
        )

        #expect(ended == nil)
        #expect(relay.figures.dropped > 0, "the link did lose datagrams")
        #expect(report.ticksSimulated >= Int(Self.seconds * 30 * 0.7))
        #expect(report.maxCreeps > 0 && report.maxPlayers == 2 && report.bulletsSeen > 0)
        #expect(report.snapshotLoss > 0.01 && report.snapshotLoss < 0.15)
        #expect((report.meanRoundTripMilliseconds ?? 0) > 60, "the relay's 80 ms round trip shows")
        #expect(report.remotePositionsChecked > 100)
        #expect(report.maxRemotePositionDifference <= SessionReport.replicationBound)
        // Checked against the host's own world too, including ticks whose snapshot was lost.
        #expect(truth.checked > 100)
        #expect(truth.maxDifference <= SessionReport.replicationBound)
        #expect(report.ownPositionsChecked > 50)
        #expect(report.maxOwnPositionDifference <= SessionReport.replicationBound)
    }
}

/// The host's positions by tick, taken from its frames in the same process, and the client's
/// drawn positions compared with them: an audit independent of the client's own, which also
/// covers frames drawn across a lost snapshot.
struct HostTruth {
    private var positions: [UInt32: [String: (x: Float, y: Float)]] = [:]
    private var pending: [(render: Double, drawn: [String: (x: Float, y: Float)])] = []
    private(set) var checked = 0
    private(set) var maxDifference = 0.0

    private static func keyed(_ view: FrameView, includeLocal: Bool) -> [String: (x: Float, y: Float)] {
        var result: [String: (x: Float, y: Float)] = [:]
        for creep in view.creeps { result["c\(creep.id)"] = (creep.x, creep.y) }
        for player in view.players where includeLocal || !player.isLocal {
            result["p\(player.id.rawValue)"] = (player.x, player.y)
        }
        return result
    }

    mutating func record(_ hostView: FrameView) {
        positions[hostView.tick] = Self.keyed(hostView, includeLocal: true)
    }

    mutating func compare(_ clientView: FrameView) {
        guard let render = clientView.renderTick else { return }
        pending.append((render, Self.keyed(clientView, includeLocal: false)))
    }

    /// Compares every client frame whose surrounding host ticks were both recorded.
    mutating func settle() {
        for (render, drawn) in pending {
            let floor = UInt32(max(render, 0).rounded(.down))
            let fraction = Float(render - Double(floor))
            guard let before = positions[floor], let after = positions[floor + 1] else { continue }
            for (key, position) in drawn {
                guard let start = before[key], let end = after[key] else { continue }
                let x = start.x + (end.x - start.x) * fraction
                let y = start.y + (end.y - start.y) * fraction
                let dx = Double(x - position.x)
                let dy = Double(y - position.y)
                maxDifference = max(maxDifference, (dx * dx + dy * dy).squareRoot())
                checked += 1
            }
        }
        pending.removeAll()
    }
}
