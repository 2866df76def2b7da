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
    /// Garbage and tampered datagrams must end in a typed error or a counted drop, never a
    /// trap, and must never leave the client holding state for an entity it was not told of.
    @Suite("Hostile replication input")
    struct HostileReplicationInputTests {
        static let garbageCount = 100_000
        static let maxGarbageBytes = 64

        /// A client that has applied one full snapshot of 20 entities (tick 1), so deltas
        /// against tick 1 reach the field decoder.
        static func primed() throws -> DirectPair {
            var pair = DirectPair()
            for index in 0..<20 {
                _ = try pair.host.spawn(kind: Scene.creepKind, owner: .host, state: SceneUnit(x: Float(index), y: 3))
            }
            try pair.deliver(try pair.tick())
            return pair
        }

        @Test func seededGarbageSnapshotsNeverTrap() throws {
            let pair = try Self.primed()
            var random = TestRandom(seed: 61)
            var accepted = 0
            for _ in 0..<Self.garbageCount {
                var bytes = random.bytes(Int(random.next(upperBound: UInt64(Self.maxGarbageBytes))) + 1)
                // Aim half the garbage at the delta path: a plausible tick with baseline 1.
                if random.chance(0.5), bytes.count > 3 {
                    bytes[0] = UInt8(truncatingIfNeeded: random.next(upperBound: UInt64(100))) + 2
                    bytes[1] = bytes[0] - 1
                }
                var client = pair.client
                if (try? client.receiveSnapshot(bytes, now: pair.now)) != nil {
                    accepted += 1
                    #expect(client.latestEntities.allSatisfy { $0.id.value >= 1 })
                }
            }
            #expect(accepted < Self.garbageCount / 10)
            #expect(pair.client.latestEntities.count == 20)
        }

        @Test func bitFlippedRealSnapshotsNeverTrap() throws {
            var pair = try Self.primed()
            var random = TestRandom(seed: 62)
            for round in 0..<200 {
                for entity in pair.host.allEntities {
                    var state = entity.state
                    state.x += Float(round % 7)
                    try pair.host.setState(state, of: entity.id)
                }
                let snapshot = try pair.tick()
                for _ in 0..<(Self.garbageCount / 200) {
                    var tampered = snapshot
                    let bit = Int(random.next(upperBound: UInt64(tampered.count * 8)))
                    tampered[bit / 8] ^= 1 << UInt8(bit % 8)
                    var client = pair.client
                    _ = try? client.receiveSnapshot(tampered, now: pair.now)
                }
                try pair.deliver(snapshot)
            }
            #expect(pair.client.latestEntities.count == 20)
        }

        @Test func seededGarbageInputPacketsNeverTrapAndAreCounted() throws {
            var pair = try Self.primed()
            var random = TestRandom(seed: 63)
            var refused = 0
            for _ in 0..<Self.garbageCount {
                let bytes = random.bytes(Int(random.next(upperBound: UInt64(Self.maxGarbageBytes))))
                do { try pair.host.receive(bytes, from: DirectPair.clientID, now: pair.now) } catch { refused += 1 }
            }
            #expect(pair.host.drops.malformed == refused)
            #expect(refused > 0)
            // Whatever was accepted, the host still builds valid snapshots the client applies.
            try pair.deliver(try pair.tick())
            #expect(pair.client.latestEntities.count == 20)
            #expect(throws: ReplicationError.unknownClient(ParticipantID(9))) {
                try pair.host.receive([0], from: ParticipantID(9), now: pair.now)
            }
        }

        @Test func garbageEventBatchesAreTypedErrors() {
            var random = TestRandom(seed: 64)
            for _ in 0..<(Self.garbageCount / 10) {
                let bytes = random.bytes(Int(random.next(upperBound: UInt64(Self.maxGarbageBytes))))
                _ = try? EventBatch.decode(BulletFired.self, from: bytes)
            }
        }
    }
}
