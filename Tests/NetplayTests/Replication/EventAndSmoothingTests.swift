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
    @Suite("Events and correction smoothing")
    struct EventAndSmoothingTests {
        struct Flight: Equatable {
            var x: Float
            var y: Float
            var vx: Float
            var vy: Float
        }

        static func fly(_ flight: inout Flight) {
            let seconds = Float(TickRate.default.secondsPerTick)
            flight.x += flight.vx * seconds
            flight.y += flight.vy * seconds
        }

        @Test func lateBulletEventIsFastForwardedToWhereTheHostsBulletIsNow() throws {
            let shot = TickedEvent(
                tick: Tick(100),
                payload: BulletFired(originX: 500, originY: 600, velocityX: 300, velocityY: -150, shooter: 1))
            let bytes = try EventBatch.encode([shot])
            let received = try #require(try EventBatch.decode(BulletFired.self, from: bytes).first)
            #expect(received == shot)

            var hostBullet = Flight(x: 500, y: 600, vx: 300, vy: -150)
            for _ in 0..<4 { Self.fly(&hostBullet) }  // host at tick 104
            let start = Flight(
                x: received.payload.originX, y: received.payload.originY,
                vx: received.payload.velocityX, vy: received.payload.velocityY)
            let caughtUp = received.fastForwarded(start, to: Tick(104), step: Self.fly)
            #expect(caughtUp == hostBullet)
            #expect(
                received.fastForwarded(start, to: Tick(90), step: Self.fly) == start, "a future event is not stepped")
            let capped = received.fastForwarded(0, to: Tick(100_000), maxTicks: 5) { $0 += 1 }
            #expect(capped == 5, "stale events cost bounded work")
        }

        @Test func smallCorrectionsBlendOutAndLargeOnesSnap() {
            let step: (SceneUnit, SceneMove) -> SceneUnit = { SceneMove.step($0, $1, tickRate: .default) }
            let still = SceneMove(dx: 0, dy: 0)
            var predictor = Predictor<SceneUnit, SceneMove>(
                state: SceneUnit(x: 100, y: 100), tick: Tick(10), smoothingTicks: 4, snapDistance: 50)
            for tick in 11...13 { predictor.predict(still, at: Tick(UInt32(tick)), step: step) }
            let correction = predictor.reconcile(authoritative: SceneUnit(x: 108, y: 100), at: Tick(11), step: step)
            #expect(correction == 8)
            #expect(predictor.largestCorrection == 8)
            #expect(predictor.state.x == 108, "rewound to the host's state and replayed")
            #expect(predictor.displayed.x == 100, "drawn where it was: no visible pop")
            var drawn: [Float] = []
            for tick in 14...17 {
                predictor.predict(still, at: Tick(UInt32(tick)), step: step)
                drawn.append(predictor.displayed.x)
            }
            #expect(drawn == [102, 104, 106, 108], "blended out over smoothingTicks")

            predictor.reconcile(authoritative: SceneUnit(x: 500, y: 100), at: Tick(16), step: step)
            #expect(predictor.displayed.x == 500, "a correction beyond snapDistance snaps")
            #expect(predictor.largestCorrection == 392)
        }

        @Test func statesThatCannotBeSplitAreTypedErrors() {
            struct Listy: Codable, Sendable {
                var values: [Int]
                func encode(to encoder: any Encoder) throws {
                    var container = encoder.unkeyedContainer()
                    for value in values { try container.encode(value) }
                }
            }
            var host = ReplicationHost<Listy, SceneMove>()
            #expect(throws: ReplicationError.self) {
                _ = try host.spawn(kind: EntityKind(1), owner: .host, state: Listy(values: [1, 2]))
            }
        }
    }
}
