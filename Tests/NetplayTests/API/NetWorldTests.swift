import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayLinkConditioner
@testable import NetplayTesting

/// A dot on a plane: the whole replicated state of the NetWorld tests.
struct Dot: Codable, Sendable, Equatable, Interpolatable {
    var x: Float
    var y: Float

    func interpolated(to next: Dot, fraction: Double) -> Dot {
        Dot(x: x + (next.x - x) * Float(fraction), y: y + (next.y - y) * Float(fraction))
    }

    func distance(to other: Dot) -> Double {
        Double(((x - other.x) * (x - other.x) + (y - other.y) * (y - other.y)).squareRoot())
    }

    /// Four units per step in the pressed direction.
    static func step(_ dot: Dot, _ keys: Keys) -> Dot {
        Dot(x: dot.x + 4 * Float(keys.dx), y: dot.y + 4 * Float(keys.dy))
    }
}

struct Keys: Codable, Sendable, Equatable {
    var dx: Int8
    var dy: Int8
    static let still = Keys(dx: 0, dy: 0)
}

extension APITests {
    /// NetWorld through the simulated network in virtual time: the session-level replication
    /// a game uses with no ids, clocks or wrapper messages of its own.
    @Suite struct NetWorldReplication {
        static let frame = Duration.milliseconds(16)
        let net = SimulatedNetwork(
            seed: 21,
            impairment: LinkImpairment(latency: .milliseconds(40), jitter: .milliseconds(10), lossProbability: 0.05))

        /// A host world that gives every joining player a dot, plus `clients` connected client worlds.
        final class Game {
            let host: NetHost
            let hostWorld: NetWorld<Dot, Keys>
            var clients: [(NetClient, NetWorld<Dot, Keys>)] = []
            var dots: [NetPeer: NetEntityID] = [:]

            init(host: NetHost) throws {
                self.host = host
                hostWorld = try NetWorld(host: host, step: Dot.step)
            }

            /// One frame on every machine: events (spawn and despawn dots), input, update.
            func frame(hostKeys: Keys = .still, clientKeys: Keys = .still) throws {
                for event in host.poll() {
                    switch event {
                    case .connected(let peer):
                        dots[peer] = try hostWorld.spawn(Dot(x: 100, y: 100 + 50 * Float(dots.count)), ownedBy: peer)
                    default: break
                    }
                }
                hostWorld.sendInput(hostKeys)
                hostWorld.update()
                for (client, world) in clients {
                    _ = client.poll()
                    world.sendInput(clientKeys)
                    world.update()
                }
            }
        }

        func start(clients count: Int) throws -> Game {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let game = try Game(host: host)
            for index in 0..<count {
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages)
                game.clients.append((client, try NetWorld(client: client, step: Dot.step)))
            }
            return game
        }

        func play(_ game: Game, seconds: Double, hostKeys: Keys = .still, clientKeys: Keys = .still) throws {
            for _ in 0..<Int(seconds * 60) {
                net.run(for: Self.frame)
                try game.frame(hostKeys: hostKeys, clientKeys: clientKeys)
            }
        }

        @Test func everyClientSeesEveryDotAndExactlyOneOfItsOwn() throws {
            let game = try start(clients: 2)
            try play(game, seconds: 2)
            #expect(game.hostWorld.entities.count == 3)
            for (client, world) in game.clients {
                #expect(world.entities.count == 3)
                let mine = world.entities.filter(\.isMine)
                #expect(mine.count == 1)
                #expect(mine.first?.owner == client.localPeer)
                let peer = try #require(client.localPeer)
                #expect(mine.first?.id == game.dots[peer])
                #expect(world.entities.filter { $0.owner == .host }.count == 1)
            }
        }

        @Test func afterMovingEveryScreenAgreesWithTheHost() throws {
            let game = try start(clients: 2)
            try play(game, seconds: 1)
            try play(game, seconds: 2, hostKeys: Keys(dx: 1, dy: 0), clientKeys: Keys(dx: 0, dy: 1))
            try play(game, seconds: 1)
            let truth = Dictionary(uniqueKeysWithValues: game.hostWorld.entities.map { ($0.id, $0.state) })
            for (_, world) in game.clients {
                #expect(world.entities.count == 3)
                for entity in world.entities {
                    let host = try #require(truth[entity.id])
                    #expect(entity.state.distance(to: host) < 0.01, "\(entity.id): \(entity.state) vs \(host)")
                }
            }
            // Two seconds of input at 30 steps per second moved each dot about 240 units.
            let hostDotID = try #require(game.dots[.host])
            #expect((game.hostWorld[hostDotID]?.x ?? 0) > 300)
            let clientPeer = try #require(game.clients[0].0.localPeer)
            let clientDotID = try #require(game.dots[clientPeer])
            #expect((game.hostWorld[clientDotID]?.y ?? 0) > 300)
        }

        /// Frames come at 60 Hz and simulation steps at 30: a key pressed now moves the own dot
        /// on the first frame that starts a step (two frames, three while the clock sync slews),
        /// never a round trip later (at least 80 ms here: five frames).
        @Test func aClientsOwnDotMovesWithinOneStepOfItsKey() throws {
            let game = try start(clients: 1)
            try play(game, seconds: 2)
            let world = game.clients[0].1
            let before = try #require(world.entities.first { $0.isMine }).state
            var framesUntilMoved: Int?
            for frame in 1...6 where framesUntilMoved == nil {
                net.run(for: Self.frame)
                try game.frame(clientKeys: Keys(dx: 1, dy: 0))
                let now = try #require(world.entities.first { $0.isMine }).state
                if now.x > before.x { framesUntilMoved = frame }
            }
            #expect(
                framesUntilMoved.map { $0 <= 3 } == true, "moved after \(String(describing: framesUntilMoved)) frames")
        }

        /// Issue 16: a 10 s outage interrupts the session; when the link returns the client's
        /// world catches up with the host (a full snapshot: its acknowledged baseline is long
        /// out of the host's history) within a second, with the same entities and owners.
        @Test func afterATenSecondOutageTheClientsWorldCatchesUpWithinASecond() throws {
            let game = try start(clients: 1)
            try play(game, seconds: 2)
            let (client, world) = game.clients[0]
            let peer = try #require(client.localPeer)
            let down = LinkImpairment(lossProbability: 1)
            net.setImpairment(from: APISetup.hostAddress, to: APISetup.clientAddress(0), down)
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, down)
            // The host's own dot keeps moving through the outage; the client's world stands still.
            try play(game, seconds: 10, hostKeys: Keys(dx: 1, dy: 0))
            net.setImpairment(from: APISetup.hostAddress, to: APISetup.clientAddress(0), nil)
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, nil)
            let hostDot = try #require(game.dots[.host])
            var framesToCatchUp: Int?
            // A whole second, so the presented world (which trails the newest snapshot by its
            // interpolation delay) has caught up too when it is checked below.
            for frame in 1...60 {
                net.run(for: Self.frame)
                try game.frame()
                if framesToCatchUp == nil, let newest = world.newestTick,
                    let received = world.receivedEntities(atTick: newest),
                    newest >= (game.hostWorld.newestTick ?? .max) - 3,
                    received.first(where: { $0.id == hostDot })?.state.x == game.hostWorld[hostDot]?.x
                {
                    framesToCatchUp = frame
                }
            }
            print("client world caught up \(framesToCatchUp.map { "\($0) frames" } ?? "never") after a 10 s outage")
            #expect(framesToCatchUp.map { $0 <= 60 } == true, "caught up within a second of the link returning")
            #expect(world.entities.count == 2 && world.entities.filter(\.isMine).count == 1)
            #expect(world.entities.first { $0.isMine }?.owner == peer)
            #expect(client.isConnected && client.localPeer == peer)
        }

        @Test func aPlayerWhoLeavesTakesTheirDotWithThem() throws {
            let game = try start(clients: 2)
            try play(game, seconds: 2)
            let (leaving, _) = game.clients.removeLast()
            leaving.session.requestClose()
            try play(game, seconds: 2)
            #expect(game.hostWorld.entities.count == 2)
            #expect(game.clients[0].1.entities.count == 2)
        }

        /// The welcome is sent once, reliably: a client whose world is made only after it
        /// arrived still learns which entity is its own.
        @Test func aClientWorldMadeLateStillKnowsItsOwnEntity() throws {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let game = try Game(host: host)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            for _ in 0..<60 {
                net.run(for: Self.frame)
                try game.frame()
            }
            let late = try NetWorld<Dot, Keys>(client: client, step: Dot.step)
            game.clients.append((client, late))
            try play(game, seconds: 1)
            #expect(late.entities.filter(\.isMine).count == 1)
        }

        @Test func aClientSaysWhereItDrawsAndWhatTheHostSent() throws {
            let game = try start(clients: 1)
            try play(game, seconds: 2, clientKeys: Keys(dx: 1, dy: 0))
            let world = game.clients[0].1
            let render = try #require(world.renderTick)
            let newest = try #require(world.newestTick)
            let predicted = try #require(world.predictedTick)
            // Others are drawn in the past, between two snapshots; the own dot ahead of the newest.
            #expect(render < Double(newest) && predicted > newest)
            #expect(game.hostWorld.renderTick == nil && game.hostWorld.predictedTick == nil)
            #expect(try #require(game.hostWorld.newestTick) >= newest)
            // The newest snapshot, exactly as sent: the still host dot where the host has it.
            let received = try #require(world.receivedEntities(atTick: newest))
            let hostDot = try #require(game.dots[.host])
            #expect(received.first { $0.id == hostDot }?.state == game.hostWorld[hostDot])
            #expect(received.filter(\.isMine).count == 1)
            #expect(world.receivedEntities(atTick: newest + 1_000) == nil)
            #expect(game.hostWorld.receivedEntities(atTick: newest) == nil)
            // One snapshot per step per client (the first before the client joined go to nobody);
            // prediction ran a step per step.
            let sent = game.hostWorld.statistics
            let got = world.statistics
            #expect(sent.ticks >= 55 && sent.snapshots <= sent.ticks && sent.snapshots > sent.ticks / 2)
            #expect(got.snapshots > 0 && got.snapshots < sent.snapshots)
            #expect(got.snapshotLoss >= 0 && got.snapshotLoss < 0.2)
            #expect(got.ticks > 40)
        }

        @Test func onlyTheHostSpawnsAndOneWorldPerSession() throws {
            let game = try start(clients: 1)
            let (client, world) = game.clients[0]
            #expect(throws: NetWorldError.onlyTheHostChangesEntities) { try world.spawn(Dot(x: 0, y: 0)) }
            #expect(throws: NetWorldError.alreadyReplicating) { try NetWorld<Dot, Keys>(client: client) }
        }
    }
}
