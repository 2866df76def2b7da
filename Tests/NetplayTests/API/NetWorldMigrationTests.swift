import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayTesting

extension APITests {
    /// A NetWorld outlives its host (issue 17): the player who takes over continues the same
    /// entities, ids, owners and ticks from its newest snapshot, the game fixes it up in the
    /// `onTakeover` hook, and the other players' worlds follow the new host.
    @Suite struct NetWorldMigration {
        static let frame = Duration.milliseconds(16)
        let net = SimulatedNetwork(
            seed: 1717, impairment: LinkImpairment(latency: .milliseconds(20), jitter: .milliseconds(5)))

        static var options: NetOptions {
            var options = NetOptions()
            options.hostMigration = true
            return options
        }

        /// A host with a dot of its own and a "creep" (both host-owned), and two players, each
        /// with a dot that its keys move (A presses right, B presses down).
        final class Game {
            let host: NetHost
            let hostWorld: NetWorld<Dot, Keys>
            var players: [(client: NetClient, world: NetWorld<Dot, Keys>, keys: Keys)] = []
            var dots: [NetPeer: NetEntityID] = [:]
            let creep: NetEntityID
            var hostAlive = true

            init(host: NetHost) throws {
                self.host = host
                hostWorld = try NetWorld(host: host, step: Dot.step)
                dots[.host] = try hostWorld.spawn(Dot(x: 0, y: 0))
                creep = try hostWorld.spawn(Dot(x: 500, y: 500))
            }

            func frame() throws {
                if hostAlive {
                    for case .connected(let peer) in host.poll() where !peer.isHost {
                        dots[peer] = try hostWorld.spawn(Dot(x: 100 * Float(dots.count), y: 100), ownedBy: peer)
                    }
                    hostWorld.sendInput(.still)
                    hostWorld.update()
                }
                for (client, world, keys) in players {
                    _ = client.poll()
                    world.sendInput(keys)
                    world.update()
                }
            }
        }

        func start() throws -> Game {
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: Self.options)
            let game = try Game(host: host)
            for (index, keys) in [Keys(dx: 1, dy: 0), Keys(dx: 0, dy: 1)].enumerated() {
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages, options: Self.options)
                game.players.append((client, try NetWorld(client: client, step: Dot.step), keys))
                for _ in 0..<40 {
                    try game.frame()
                    net.run(for: Self.frame)
                }
            }
            return game
        }

        func run(_ game: Game, for duration: Duration) throws {
            for _ in 0..<Int(duration / Self.frame) {
                try game.frame()
                net.run(for: Self.frame)
            }
        }

        @Test func theSuccessorContinuesTheSameEntitiesOwnersAndTicks() throws {
            let game = try start()
            try run(game, for: .seconds(2))
            let (a, worldA, _) = game.players[0]
            let (b, worldB, _) = game.players[1]
            let peerA = try #require(a.localPeer)
            let peerB = try #require(b.localPeer)
            let before = Dictionary(uniqueKeysWithValues: worldA.entities.map { ($0.id, $0) })
            #expect(Set(before.keys) == Set(game.dots.values).union([game.creep]))
            #expect(before[game.dots[peerB]!]?.owner == peerB, "a client knows who owns each entity (the roster)")
            let tickBefore = try #require(worldA.newestTick)
            let ownBefore = try #require(before[game.dots[peerA]!]).state

            var inherited: [NetEntityID: NetEntity<Dot>]?
            worldA.onTakeover = {
                inherited = Dictionary(uniqueKeysWithValues: worldA.entities.map { ($0.id, $0) })
                // The game's part: the old host's own avatar goes with it.
                try? worldA.despawn(game.dots[.host]!)
            }
            net.crash(APISetup.hostAddress)
            game.hostAlive = false
            try run(game, for: .seconds(4))

            let took = try #require(inherited, "the hook ran on the player who took over")
            #expect(worldA.isHost)
            #expect(Set(took.keys) == Set(before.keys), "same entities, same ids")
            #expect(took[game.dots[peerA]!]?.owner == .host && took[game.dots[peerA]!]?.isMine == true)
            #expect(took[game.creep]?.owner == .host)
            #expect(took[game.dots[peerB]!]?.owner == peerB)
            let ownAtTakeover = try #require(took[game.dots[peerA]!]).state
            #expect(
                ownAtTakeover.x >= ownBefore.x, "its own dot continues from its prediction, not from an older state")
            #expect(try #require(worldA.newestTick) > tickBefore, "ticks go on from the old host's")

            // Both keep moving under their own keys, on the new host and on B's screen.
            let hostView = Dictionary(uniqueKeysWithValues: worldA.entities.map { ($0.id, $0.state) })
            #expect(hostView[game.dots[.host]!] == nil)
            try run(game, for: .seconds(1))
            let later = Dictionary(uniqueKeysWithValues: worldA.entities.map { ($0.id, $0.state) })
            #expect(try #require(later[game.dots[peerA]!]).x > hostView[game.dots[peerA]!]!.x, "A's keys move A")
            #expect(try #require(later[game.dots[peerB]!]).y > hostView[game.dots[peerB]!]!.y, "B's input reaches A")
            let onB = worldB.entities
            #expect(Set(onB.map(\.id)) == Set(later.keys), "B follows the new host's world")
            #expect(onB.first { $0.id == game.dots[peerB]! }?.isMine == true, "B still owns its dot")
            #expect(onB.first { $0.id == game.dots[peerA]! }?.owner == .host, "A hosts now")
            // Host-owned entities take the host player's input (NetWorld's rule for `step`):
            // the new host's now, which presses right; the creep never moved down.
            let creepOnB = try #require(onB.first { $0.id == game.creep }).state
            #expect(creepOnB.y == 500 && creepOnB.x >= 500)
            #expect(abs(creepOnB.x - later[game.creep]!.x) <= 4 * 10, "B draws it where the new host has it")
        }
    }
}
