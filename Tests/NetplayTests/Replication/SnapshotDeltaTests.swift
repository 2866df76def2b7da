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
    @Suite("Snapshot deltas")
    struct SnapshotDeltaTests {
        static func populated(_ count: Int) throws -> (DirectPair, [EntityID]) {
            var pair = DirectPair()
            var ids: [EntityID] = []
            for index in 0..<count {
                ids.append(
                    try pair.host.spawn(
                        kind: Scene.creepKind, owner: .host,
                        state: SceneUnit(x: Float(index * 10), y: 500, heading: 1, health: 100)))
            }
            try pair.deliver(try pair.tick())
            return (pair, ids)
        }

        @Test func unchangedWorldOfAHundredEntitiesCostsAFewBytes() throws {
            var (pair, _) = try Self.populated(100)
            let snapshot = try pair.tick()
            // Header (tick, baseline distance, echo) + 1 "nothing changed" bit + spawn count.
            #expect(snapshot.count <= 12, "unchanged snapshot was \(snapshot.count) bytes")
            try pair.deliver(snapshot)
            #expect(pair.client.latestEntities.count == 100)
        }

        @Test func oneChangedFieldCostsOnlyThatField() throws {
            var (pair, ids) = try Self.populated(100)
            let unchanged = try pair.tick()
            try pair.deliver(unchanged)
            var state = try #require(pair.host.entity(ids[42])).state
            state.health = 7
            try pair.host.setState(state, of: ids[42])
            let changed = try pair.tick()
            // 100 entity bits + 4 mask bits + delta flag + the 8-bit field (or its delta): ≈ 14 bytes more.
            #expect(changed.count - unchanged.count <= 16, "\(changed.count) vs \(unchanged.count) bytes")
            try pair.deliver(changed)
            #expect(pair.client.latestState(of: ids[42])?.state.health == 7)
            #expect(pair.client.latestState(of: ids[41])?.state == pair.host.entity(ids[41])?.state.quantized)
        }

        @Test func lostSnapshotsAreRecoveredByTheNextDeltaAgainstTheLastAcked() throws {
            var (pair, ids) = try Self.populated(20)
            for round in 1...5 {
                for id in ids {
                    var state = try #require(pair.host.entity(id)).state
                    state.x += Float(round)
                    try pair.host.setState(state, of: id)
                }
                let snapshot = try pair.tick()
                if round < 5 { continue }  // rounds 1–4 lost on the way
                try pair.deliver(snapshot)
            }
            for id in ids {
                #expect(pair.client.latestState(of: id)?.state == pair.host.entity(id)?.state.quantized)
            }
            #expect(pair.client.drops == ReplicationDrops())
        }

        @Test func spawnAndDespawnTravelWithTheStateTheyBelongTo() throws {
            var (pair, ids) = try Self.populated(3)
            pair.host.despawn(ids[1])
            let fresh = try pair.host.spawn(
                kind: Scene.playerKind, owner: DirectPair.clientID, state: SceneUnit(x: 5, y: 6))
            let lost = try pair.tick()
            _ = lost
            try pair.deliver(try pair.tick())
            let seen = Set(pair.client.latestEntities.map(\.id))
            #expect(seen == [ids[0], ids[2], fresh])
            #expect(pair.client.latestEntities.first { $0.id == fresh }?.owner == DirectPair.clientID)
        }

        @Test func tightBudgetSendsHighestPriorityFirstAndStarvedEntitiesEventually() throws {
            let tiny = ReplicationConfiguration(bitsPerSecondPerClient: 30 * 8 * 120)  // 120 bytes a snapshot
            var pair = DirectPair()
            pair.host = ReplicationHost(configuration: tiny)
            pair.host.addClient(DirectPair.clientID)
            pair.host.priority = { _, entity in entity.state.x < 100 ? 10 : 1 }
            var ids: [EntityID] = []
            for index in 0..<40 {
                ids.append(
                    try pair.host.spawn(
                        kind: Scene.creepKind, owner: .host, state: SceneUnit(x: Float(index * 10), y: 9)))
            }
            try pair.deliver(try pair.tick())
            let first = Set(pair.client.latestEntities.map(\.id))
            #expect(first.count < 40)
            #expect(Set(ids.prefix(10)).isSubset(of: first), "the ten high-priority entities go first")
            for _ in 0..<10 { try pair.deliver(try pair.tick()) }
            #expect(pair.client.latestEntities.count == 40, "accumulated priority lets every entity through")
        }

        @Test func relevanceFilterDespawnsAndRespawnsPerClient() throws {
            var (pair, ids) = try Self.populated(5)
            pair.host.relevance = { _, entity in entity.state.x < 25 }
            try pair.deliver(try pair.tick())
            #expect(Set(pair.client.latestEntities.map(\.id)) == Set(ids.prefix(3)))
            pair.host.relevance = nil
            try pair.deliver(try pair.tick())
            #expect(pair.client.latestEntities.count == 5)
        }
    }
}
