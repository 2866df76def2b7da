import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension ReplicationTests {
    @Suite("Jitter buffer")
    struct JitterBufferTests {
        /// Lag settled after 10 s of snapshots over a link of 80 ms ± `jitter`.
        static func settledLag(jitterMilliseconds: Int64, seed: UInt64) -> Double {
            var timeline = InterpolationTimeline(tickRate: .default)
            var random = TestRandom(seed: seed)
            let rate = TickRate.default
            for tick in 1...300 {
                let jitter = Int64((random.nextUnitInterval() * 2 - 1) * Double(jitterMilliseconds))
                let arrival = rate.instant(of: Tick(UInt32(tick))) + .milliseconds(80 + jitter)
                timeline.record(tick: Tick(UInt32(tick)), arrival: arrival)
            }
            return timeline.lagTicks ?? .nan
        }

        @Test func delayGrowsWithMeasuredJitter() {
            let calm = Self.settledLag(jitterMilliseconds: 2, seed: 1)
            let jittery = Self.settledLag(jitterMilliseconds: 40, seed: 1)
            let oneWayTicks = 80.0 / 1000 * 30
            // Calm: one way + loss allowance + a sliver. Jittery: about 40 ms (1.2 ticks) more.
            #expect(abs(calm - (oneWayTicks + 1)) < 0.15)
            #expect(jittery - calm > 0.9 && jittery - calm < 1.3)
        }

        @Test func lateSnapshotsExtrapolateAtMostAHundredMillisecondsThenHold() throws {
            var pair = DirectPair()
            let id = try pair.host.spawn(kind: Scene.creepKind, owner: .host, state: SceneUnit(x: 100, y: 100))
            for tick in 1...10 {
                try pair.host.setState(SceneUnit(x: 100 + Float(tick), y: 100), of: id)
                try pair.deliver(try pair.tick())
            }
            // Newest snapshot: tick 10 at x = 110, moving 1 unit per tick. Cap: 3 ticks at 30 Hz.
            #expect(pair.client.interpolatedEntities(atTick: 9.5).first?.state.x == 109.5)
            #expect(pair.client.interpolatedEntities(atTick: 11).first?.state.x == 111)
            #expect(pair.client.interpolatedEntities(atTick: 25).first?.state.x == 113)
        }
    }
}
