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

extension APITests {
    /// The newcomer's path from DESIGN.md: a host that advertises itself, a client that finds it
    /// with no address typed and joins, over 127.0.0.1 only.
    @Suite struct DiscoveryJoin {
        static let discovery = LANDiscoveryConfig.loopbackTest(ports: 49_777..<49_785)

        @Test func aStartedHostIsFoundAndJoinedWithoutAnAddressAndItsPlayerCountFollows() async throws {
            let host = try await NetHost.start(
                game: "found-me", port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                advertise: Self.discovery, hostName: "ann")
            let game = try await Discovery.first(
                game: "found-me", messages: APISetup.messages, timeout: .seconds(5), config: Self.discovery)
            #expect(game.advert.hostName == "ann" && game.address.port == host.port && game.advert.players == 1)
            let client = try await NetClient.connect(to: game, messages: APISetup.messages)
            let browser = try await LANBrowser.start(
                game: "found-me", protocolVersion: NetOptions().version,
                fingerprint: MessageRegistry(APISetup.messages).fingerprint, config: Self.discovery)
            var players = 0
            let deadline = ContinuousClock.now + .seconds(5)
            while players != 2 && ContinuousClock.now < deadline {
                players = browser.games.first?.advert.players ?? 0
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(players == 2)
            await client.close()
            await host.close()
            await browser.stop()
        }

        @Test func anotherBuildIsListedAsIncompatibleNotJoined() async throws {
            let host = try await NetHost.start(
                game: "other-build", port: 0, interface: "127.0.0.1", messages: [Chat.self],
                advertise: Self.discovery)
            do {
                _ = try await Discovery.first(
                    game: "other-build", messages: APISetup.messages, timeout: .seconds(1), config: Self.discovery)
                Issue.record("joined a build with other message types")
            } catch DiscoveryError.onlyIncompatibleGames(let games) {
                #expect(games.map(\.compatibility) == [.schemaMismatch])
            }
            await host.close()
        }
    }
}
