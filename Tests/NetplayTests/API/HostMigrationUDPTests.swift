import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayDiscovery
@testable import NetplayDrivers

extension APITests {
    /// Host migration over real sockets on 127.0.0.1: the player who takes over hosts on the
    /// socket it played on, advertises the game in its old host's place, and new players find
    /// and join it there.
    @Suite struct HostMigrationUDP {
        static let discovery = LANDiscoveryConfig.loopbackTest(ports: 49_787..<49_795)

        static var options: NetOptions {
            var options = NetOptions()
            options.hostMigration = true
            options.advertiseAfterTakeover = discovery
            return options
        }

        @Test func theNewHostAdvertisesTheGameAndNewPlayersJoinIt() async throws {
            let game = "migrate-me"
            let host = try await NetHost.start(
                game: game, port: 0, interface: "127.0.0.1", messages: APISetup.messages, options: Self.options,
                advertise: Self.discovery, hostName: "ann")
            let first = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: game, messages: APISetup.messages, options: Self.options)
            let second = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: game, messages: APISetup.messages, options: Self.options)
            let (firstPeer, secondPeer) = (try #require(first.localPeer), try #require(second.localPeer))
            #expect(
                await pollUntil(within: .seconds(5)) {
                    second.session.withCore { $0.migration.plan?.members.map(\.peer) } == [firstPeer.id, secondPeer.id]
                })

            let closing = ContinuousClock.now
            await host.close()
            var secondEvents: [NetEvent] = []
            #expect(
                await pollUntil(within: .seconds(5)) {
                    secondEvents += second.poll()
                    return secondEvents.contains { if case .hostChanged(firstPeer) = $0 { true } else { false } }
                })
            let handover = ContinuousClock.now - closing
            print("host migration over loopback, host closed: the second player follows the first after \(handover)")
            let newHost = try #require(first.host)
            #expect(newHost.port == first.localAddress.port, "it hosts on the socket it played on")
            #expect(await pollUntil(within: .seconds(5)) { newHost.peers == [secondPeer] })

            let found = try await Discovery.first(
                game: game, messages: APISetup.messages, timeout: .seconds(5), config: Self.discovery)
            #expect(found.address.port == newHost.port, "the advert moved to the new host")
            let newcomer = try await NetClient.connect(to: found, messages: APISetup.messages, options: Self.options)
            #expect(await pollUntil(within: .seconds(5)) { newHost.peers.count == 2 })
            try newHost.send(Chat(text: "welcome"), on: .reliableOrdered, to: .everyone)
            var newcomerEvents: [NetEvent] = []
            #expect(
                await pollUntil(within: .seconds(5)) {
                    newcomerEvents += newcomer.poll()
                    return newcomerEvents.contains { event in
                        if case .message(let chat as Chat, .host) = event { chat.text == "welcome" } else { false }
                    }
                })
            #expect(second.localPeer == secondPeer)
            await newcomer.close()
            await second.close()
            await first.close()
            // Closing the new host ends its advert.
            do {
                _ = try await Discovery.first(
                    game: game, messages: APISetup.messages, timeout: .milliseconds(500), config: Self.discovery)
                Issue.record("a closed host is still advertised")
            } catch DiscoveryError.noGameFound {}
        }
    }
}
