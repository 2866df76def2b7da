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
    /// The local player predicted over a 150 ms round trip (75 ± 10 ms each way, 5 % loss).
    @Suite("Prediction and clock sync")
    struct PredictionTests {
        struct Outcome {
            var framesWithNewInput = 0
            var framesRespondingAtOnce = 0
            var largestCorrection = 0.0
            var corrections = 0
            var largestClockError = 0.0
            var largestLeadTicks = 0.0
        }

        static let seconds = 20
        /// Clock errors are measured after this many seconds of samples.
        static let warmUp = 2.0
        /// Every this many ticks the host shoves the player `knockback` units the client
        /// cannot foresee, forcing a correction.
        static let knockbackInterval = 90
        static let knockback: Float = 3
        static let link = LinkImpairment(latency: .milliseconds(75), jitter: .milliseconds(10), lossProbability: 0.05)

        static func run(seed: UInt64) throws -> Outcome {
            var network = MemoryNetwork(seed: seed, defaultImpairment: link)
            let hostSocket = try network.bind(.memory(node: 1, port: 7777))
            let clientSocket = try network.bind(.memory(node: 2, port: 50_000))
            let me = ParticipantID(1)
            var host = ReplicationHost<SceneUnit, SceneMove>()
            host.addClient(me)
            let player = try host.spawn(kind: Scene.playerKind, owner: me, state: SceneUnit(x: 1024, y: 1024))
            var client = ReplicationClient<SceneUnit, SceneMove>(id: me)
            let rate = host.configuration.tickRate
            let step: (SceneUnit, SceneMove) -> SceneUnit = { SceneMove.step($0, $1, tickRate: rate) }
            var predictor: Predictor<SceneUnit, SceneMove>?
            var reconciledTick: Tick?
            var script = DeterministicRandom(seed: seed &+ 3)
            var move = SceneMove(dx: 0, dy: 0)
            var outcome = Outcome()

            for tickIndex in 1...(seconds * rate.hertz) {
                let now = rate.instant(of: Tick(UInt32(tickIndex)))
                // Deliver each datagram at its exact arrival time, so round trips are measured
                // without the harness's polling delay.
                while let arrival = network.nextDeliveryTime, arrival <= now {
                    network.advance(to: arrival)
                    for datagram in network.receive(on: hostSocket) {
                        try? host.receive(datagram.bytes, from: me, now: arrival)
                    }
                    for datagram in network.receive(on: clientSocket) {
                        try? client.receiveSnapshot(datagram.bytes, now: arrival)
                    }
                }
                network.advance(to: now)
                host.advanceTick()
                if let input = host.input(of: me, at: host.tick), var unit = host.entity(player)?.state {
                    unit = step(unit, input)
                    // A shove only the host knows of (a creep's hit): the client mispredicts.
                    if host.tick.value % UInt32(knockbackInterval) == 0 { unit.x += knockback }
                    try host.setState(unit, of: player)
                }
                network.send(
                    from: hostSocket.address, to: clientSocket.address, bytes: try host.makeSnapshot(for: me, now: now))

                if let target = client.clock.inputTick(at: now), let authoritative = client.latestState(of: player) {
                    var predicting = predictor ?? Predictor(state: authoritative.state, tick: target.advanced(by: -1))
                    if reconciledTick.map({ $0 < authoritative.tick }) ?? true {
                        predicting.reconcile(authoritative: authoritative.state, at: authoritative.tick, step: step)
                        reconciledTick = authoritative.tick
                    }
                    // This frame's input: a new direction now and then, sometimes standing still.
                    if script.chance(0.08) {
                        move = SceneMove(
                            dx: Int8(truncatingIfNeeded: script.next(upperBound: UInt64(3))) - 1,
                            dy: Int8(truncatingIfNeeded: script.next(upperBound: UInt64(3))) - 1)
                    }
                    var tick = predicting.tick
                    while tick < target {
                        tick = tick.advanced(by: 1)
                        let before = predicting.state
                        let after = predicting.predict(move, at: tick, step: step)
                        client.recordInput(move, at: tick)
                        if move.dx != 0 || move.dy != 0, step(before, move) != before {
                            outcome.framesWithNewInput += 1
                            if after == step(before, move) { outcome.framesRespondingAtOnce += 1 }
                        }
                    }
                    predictor = predicting
                }
                network.send(from: clientSocket.address, to: hostSocket.address, bytes: try client.makePacket(now: now))

                if now.seconds >= warmUp, let estimate = client.clock.hostTick(at: now),
                    let target = client.clock.inputTick(at: now)
                {
                    outcome.largestClockError = max(outcome.largestClockError, abs(estimate - rate.ticks(at: now)))
                    outcome.largestLeadTicks = max(outcome.largestLeadTicks, Double(host.tick.distance(to: target)))
                }
            }
            outcome.largestCorrection = predictor?.largestCorrection ?? .infinity
            return outcome
        }

        /// Every input moves the predicted player in the frame it is made (no waiting for the
        /// 150 ms round trip), and after reconciliation no correction exceeds 10 units — two
        /// ticks of player movement (150 units/s) — the host's unforeseeable 3-unit shoves plus an
        /// input that arrived too late and was replaced by the previous one.
        @Test func playerRespondsOnTheSameFrameAndCorrectionsStayUnderTenUnits() throws {
            let outcome = try Self.run(seed: 15)
            print(
                "prediction: \(outcome.framesRespondingAtOnce)/\(outcome.framesWithNewInput) inputs answered at once, largest correction \(outcome.largestCorrection) units, clock error ≤ \(outcome.largestClockError) ticks, lead ≤ \(outcome.largestLeadTicks) ticks"
            )
            #expect(outcome.framesWithNewInput > 100)
            #expect(outcome.framesRespondingAtOnce == outcome.framesWithNewInput)
            #expect(outcome.largestCorrection >= Double(Self.knockback), "the shoves were corrected")
            #expect(outcome.largestCorrection <= 10)
        }

        /// The client's estimate of the host tick stays within a quarter tick (8 ms) despite ±10 ms jitter.
        @Test func clockSyncAgreesOnTheTickWithinAQuarterTick() throws {
            let outcome = try Self.run(seed: 16)
            #expect(outcome.largestClockError <= 0.25)
            #expect(outcome.largestLeadTicks <= 6, "75 ms one way is 2.25 ticks, plus margin")
        }
    }
}
