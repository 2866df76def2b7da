import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayProtocol
@testable import NetplayTesting
@testable import NetplayWire

extension APITests {
    /// The game survives its host (issue 17), in virtual time: when the host crashes or closes,
    /// the longest-connected player takes over on its own socket, the others rejoin it with
    /// their seats, and play goes on, with what a game sees and how long it takes.
    @Suite struct HostMigration {
        let net = SimulatedNetwork(seed: 17, impairment: LinkImpairment(latency: .milliseconds(10)))
        let clients = ClientKeeper()

        static var options: NetOptions {
            var options = NetOptions()
            options.hostMigration = true
            return options
        }

        /// A migrating host and `count` clients, connected one after another (so the order of
        /// succession is the order of joining), with the plan shared.
        func session(clients count: Int) throws -> (host: NetHost, players: [Player]) {
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: Self.options)
            var players: [Player] = []
            for index in 0..<count {
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages, options: Self.options)
                clients.keep(client)
                #expect(net.run(until: { client.isConnected }, limit: .seconds(2)))
                players.append(Player(client: client, log: EventLog(client.poll), peer: try #require(client.localPeer)))
            }
            // The plan reaches everyone with the next flush after the last join.
            net.run(for: .milliseconds(200))
            for player in players {
                #expect(player.client.session.withCore { $0.migration.plan?.members.count } == count)
            }
            return (host, players)
        }

        struct Player {
            let client: NetClient
            let log: EventLog
            let peer: NetPeer
        }

        /// Runs until every one of `players` saw the host change to `successor`; returns how long.
        func runUntilEveryoneFollows(_ successor: NetPeer, _ players: [Player], limit: Duration) -> Duration? {
            let start = net.elapsed
            let followed = net.run(
                until: { players.allSatisfy { $0.log.update().contains(.hostChanged(to: successor)) } }, limit: limit)
            return followed ? net.elapsed - start : nil
        }

        /// Both ways through the new host: a chat from each survivor reaches the others, from
        /// the ids they had before.
        func expectPlayContinues(newHost: Player, others: [Player]) throws {
            let host = try #require(newHost.client.host, "the player who took over hosts now")
            try host.send(Chat(text: "from the new host"), on: .reliableOrdered, to: .everyone)
            for other in others { try other.client.send(Chat(text: "from \(other.peer)"), on: .reliableOrdered) }
            let hostLog = newHost.log
            #expect(
                net.run(
                    until: {
                        others.allSatisfy { $0.log.update().contains(.chat("from the new host", from: .host)) }
                            && others.allSatisfy { hostLog.update().contains(.chat("from \($0.peer)", from: $0.peer)) }
                    }, limit: .seconds(2)))
            #expect(Set(host.peers) == Set(others.map(\.peer)), "the others rejoined with their own ids")
            for other in others {
                #expect(other.client.localPeer == other.peer)
                #expect(other.log.disconnectReason(of: .host) == nil, "no session ended")
            }
        }

        @Test(arguments: [2, 3])
        func aCrashedHostIsReplacedByItsFirstPlayerWithinThreeSeconds(clients count: Int) throws {
            let (_, players) = try session(clients: count)
            net.crash(APISetup.hostAddress)
            let took = runUntilEveryoneFollows(players[0].peer, players, limit: .seconds(10))
            let handover = try #require(took, "every player followed the first to join")
            print("host migration, \(count + 1) players, host crashed: play continues after \(handover)")
            #expect(handover <= .seconds(3))
            #expect(players[0].log.update().filter { $0 == .hostChanged(to: players[0].peer) }.count == 1)
            try expectPlayContinues(newHost: players[0], others: Array(players.dropFirst()))
        }

        @Test(arguments: [2, 3])
        func aHostThatClosesHandsOverWithinHalfASecond(clients count: Int) throws {
            let (host, players) = try session(clients: count)
            host.session.requestClose()
            let took = runUntilEveryoneFollows(players[0].peer, players, limit: .seconds(5))
            let handover = try #require(took)
            print("host migration, \(count + 1) players, host closed: play continues after \(handover)")
            #expect(handover <= .milliseconds(500))
            try expectPlayContinues(newHost: players[0], others: Array(players.dropFirst()))
        }

        @Test func aSuccessorThatDiesDuringTheHandoverPassesItToTheNext() throws {
            let (_, players) = try session(clients: 3)
            net.crash(APISetup.hostAddress)
            net.crash(APISetup.clientAddress(0))
            let survivors = Array(players.dropFirst())
            let took = runUntilEveryoneFollows(survivors[0].peer, survivors, limit: .seconds(10))
            let handover = try #require(took, "the second in line took over")
            print("host migration, host and first successor crashed: play continues after \(handover)")
            #expect(handover <= .seconds(5))
            try expectPlayContinues(newHost: survivors[0], others: [survivors[1]])
        }

        @Test func aSuccessorThatLeavesRightAfterTakingOverHandsOnAgain() throws {
            let (host, players) = try session(clients: 3)
            host.session.requestClose()
            _ = runUntilEveryoneFollows(players[0].peer, players, limit: .seconds(2))
            // The new host shares its own plan with the players who rejoined, then leaves too.
            net.run(for: .milliseconds(200))
            try #require(players[0].client.host).session.requestClose()
            let survivors = Array(players.dropFirst())
            let took = runUntilEveryoneFollows(survivors[0].peer, survivors, limit: .seconds(5))
            #expect(try #require(took) <= .milliseconds(500))
            try expectPlayContinues(newHost: survivors[0], others: [survivors[1]])
        }

        @Test func messagesSentAcrossTheHandoverArriveOnceInOrder() throws {
            let (_, players) = try session(clients: 2)
            let (newHost, sender) = (players[0], players[1])
            net.crash(APISetup.hostAddress)
            // The sender keeps chatting while the host is gone: to the dead host, then, once it
            // gave up on it, queued for whoever takes over.
            for index in 0..<30 {
                try sender.client.send(Chat(text: "m\(index)"), on: .reliableOrdered)
                net.run(for: .milliseconds(100))
            }
            let expected = (0..<30).map { "m\($0)" }
            let received = {
                newHost.log.update().compactMap { event -> String? in
                    if case .chat(let text, sender.peer) = event { text } else { nil }
                }
            }
            #expect(net.run(until: { received() == expected }, limit: .seconds(5)))
            net.run(for: .seconds(1))
            #expect(received() == expected, "each once, in order")
        }

        @Test func theNewHostAdmitsNewPlayersAndRefusesForgedRejoins() throws {
            let (host, players) = try session(clients: 2)
            host.session.requestClose()
            _ = runUntilEveryoneFollows(players[0].peer, players, limit: .seconds(2))
            let newcomer = try net.connectClient(
                at: APISetup.clientAddress(9), to: APISetup.clientAddress(0), game: APISetup.game,
                messages: APISetup.messages, options: Self.options)
            clients.keep(newcomer)
            #expect(net.run(until: { newcomer.isConnected }, limit: .seconds(2)), "new players join the new host")
            #expect(try #require(players[0].client.host).peers.count == 2)

            // A stranger claiming a seat with a made-up secret derives other keys: refused.
            var options = Self.options
            options.timeout = .seconds(1)
            let registry = MessageRegistry(APISetup.messages)
            var config = options.protocolConfig(
                game: APISetup.game,
                joinCode: Rejoin.code(secret: [UInt8](repeating: 7, count: 32), peer: players[1].peer.id),
                registry: registry)
            config.rejoinAs = players[1].peer.id
            let forger = try net.connectClient(
                at: APISetup.clientAddress(10), to: APISetup.clientAddress(0), config: config, registry: registry,
                options: options)
            clients.keep(forger)
            let forgerLog = EventLog(forger.poll)
            #expect(net.run(until: { forgerLog.disconnectReason(of: .host) != nil }, limit: .seconds(3)))
            #expect(forgerLog.disconnectReason(of: .host) == .wrongJoinCode)
        }

        @Test func aPlayerWhoNeverComesBackIsReportedGone() throws {
            let (_, players) = try session(clients: 3)
            net.crash(APISetup.hostAddress)
            net.crash(APISetup.clientAddress(2))
            let newHost = players[0]
            _ = runUntilEveryoneFollows(newHost.peer, [newHost, players[1]], limit: .seconds(10))
            #expect(
                net.run(
                    until: { newHost.log.update().contains(.disconnected(players[2].peer, .timedOut)) },
                    limit: .seconds(10)))
            #expect(try #require(newHost.client.host).peers == [players[1].peer])
        }

        @Test func withoutMigrationAClosingHostEndsEveryonesSession() throws {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            clients.keep(client)
            let log = EventLog(client.poll)
            #expect(net.run(until: { client.isConnected }, limit: .seconds(1)))
            host.session.requestClose()
            #expect(net.run(until: { log.disconnectReason(of: .host) == .hostShutDown }, limit: .seconds(2)))
            #expect(client.host == nil)
        }
    }
}
