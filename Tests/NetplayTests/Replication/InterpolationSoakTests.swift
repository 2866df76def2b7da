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
    /// 100 wandering creeps with spawn/despawn churn, replicated through the link
    /// (80 ± 20 ms one way, 5 % loss) and drawn by the client at 60 fps in virtual time.
    @Suite("Interpolation through a lossy link")
    struct InterpolationSoakTests {
        struct Outcome {
            var framesChecked = 0
            var entitiesChecked = 0
            var maxError = 0.0
            var errors: [Double] = []
            var drawnBeforeSpawnOrAfterDespawn = 0
            var extrapolatedFrames = 0
            var meanLagTicks = 0.0
            var drops = ReplicationDrops()

            func percentile(_ fraction: Double) -> Double {
                let sorted = errors.sorted()
                return sorted.isEmpty ? 0 : sorted[min(Int(Double(sorted.count) * fraction), sorted.count - 1)]
            }
        }

        /// Seconds of virtual time; errors are counted after the first `warmUp` seconds, while
        /// the jitter buffer is still measuring the link (existence is checked throughout).
        static let seconds = 20
        static let warmUp = 2
        /// A creep is replaced (one despawn, one spawn) every this many ticks.
        static let churnInterval = 5

        static func run(seed: UInt64) throws -> Outcome {
            var network = MemoryNetwork(seed: seed, defaultImpairment: ReplicationBenchmark.standardImpairment)
            let hostSocket = try network.bind(.memory(node: 1, port: 7777))
            let clientSocket = try network.bind(.memory(node: 2, port: 50_000))
            let me = ParticipantID(1)
            var host = ReplicationHost<SceneUnit, SceneMove>()
            host.addClient(me)
            var client = ReplicationClient<SceneUnit, SceneMove>(id: me)
            let rate = host.configuration.tickRate
            var simulation = SceneSimulation(tickRate: rate, seed: seed)
            var ids = try simulation.creeps.map { try host.spawn(kind: Scene.creepKind, owner: .host, state: $0.unit) }
            var truth: [Tick: [EntityID: SceneUnit]] = [:]
            var churn = DeterministicRandom(seed: seed &+ 7)
            var outcome = Outcome()
            var lagSum = 0.0

            let framesPerTick = 2
            let frameNanoseconds = rate.nanosecondsPerTick / Int64(framesPerTick)
            for frame in 0..<(seconds * rate.hertz * framesPerTick) {
                let now = NetInstant(nanoseconds: Int64(frame) * frameNanoseconds)
                network.advance(to: now)
                for datagram in network.receive(on: hostSocket) {
                    try? host.receive(datagram.bytes, from: me, now: now)
                }
                let isTickFrame = frame % framesPerTick == 0 && frame > 0
                if isTickFrame {
                    host.advanceTick()
                    if host.tick.value % UInt32(churnInterval) == 0 {
                        let index = Int(churn.next(upperBound: UInt64(ids.count)))
                        host.despawn(ids[index])
                        simulation.creeps[index] = simulation.makeCreep()
                        ids[index] = try host.spawn(
                            kind: Scene.creepKind, owner: .host, state: simulation.creeps[index].unit)
                    }
                    _ = simulation.step(at: host.tick, shooters: [])
                    for (index, creep) in simulation.creeps.enumerated() {
                        try host.setState(creep.unit, of: ids[index])
                    }
                    truth[host.tick] = Dictionary(uniqueKeysWithValues: zip(ids, simulation.creeps.map(\.unit)))
                    network.send(
                        from: hostSocket.address, to: clientSocket.address,
                        bytes: try host.makeSnapshot(for: me, now: now))
                }
                for datagram in network.receive(on: clientSocket) {
                    try? client.receiveSnapshot(datagram.bytes, now: now)
                }
                if isTickFrame {
                    network.send(
                        from: clientSocket.address, to: hostSocket.address, bytes: try client.makePacket(now: now))
                }

                guard let render = client.timeline.renderTick(at: now) else { continue }
                let drawn = client.interpolatedEntities(atTick: render)
                let floor = Tick(UInt32(max(render, 0).rounded(.down)))
                let ceiling = floor.advanced(by: 1)
                let fraction = render - Double(floor.value)
                if let newest = client.newestTick, render > Double(newest.value) { outcome.extrapolatedFrames += 1 }
                let measuring = now.seconds >= Double(warmUp)
                if measuring {
                    outcome.framesChecked += 1
                    lagSum += client.timeline.lagTicks ?? 0
                }
                for entity in drawn {
                    // A life is the host ticks [spawn, despawn): drawn at render time T only
                    // if the host had the entity at ⌊T⌋.
                    guard let before = truth[floor]?[entity.id] else {
                        outcome.drawnBeforeSpawnOrAfterDespawn += 1
                        continue
                    }
                    guard measuring else { continue }
                    let after = truth[ceiling]?[entity.id] ?? before
                    let error = before.interpolated(to: after, fraction: fraction).distance(to: entity.state)
                    outcome.entitiesChecked += 1
                    outcome.errors.append(error)
                    outcome.maxError = max(outcome.maxError, error)
                }
            }
            outcome.meanLagTicks = lagSum / Double(max(outcome.framesChecked, 1))
            outcome.drops = client.drops
            return outcome
        }

        /// Bounds (units; the arena is 2048 wide and creeps walk 48 units/s, 1.6 per tick):
        /// - every drawn position within 2.5 units of the host's at the same tick: a creep
        ///   that turns or bounces inside an interpolated gap left by a lost snapshot is drawn
        ///   on the chord, at most a tick's walk off, and extrapolation is capped at 100 ms;
        /// - 99 % within 0.1 units: straight-line motion interpolates exactly, leaving only
        ///   quantization (1/32 unit per axis).
        @Test func hundredCreepsStayWithinTwoAndAHalfUnitsAndNeverAppearOutsideTheirLives() throws {
            let outcome = try Self.run(seed: 6)
            print(
                "interpolation soak: \(outcome.entitiesChecked) positions in \(outcome.framesChecked) frames, max error \(outcome.maxError), p99 \(outcome.percentile(0.99)), p50 \(outcome.percentile(0.5)), extrapolated frames \(outcome.extrapolatedFrames), mean lag \(outcome.meanLagTicks) ticks, drops \(outcome.drops)"
            )
            #expect(outcome.entitiesChecked > 90 * outcome.framesChecked)
            #expect(outcome.drawnBeforeSpawnOrAfterDespawn == 0)
            #expect(outcome.maxError <= 2.5)
            #expect(outcome.percentile(0.99) <= 0.1)
        }
    }
}
