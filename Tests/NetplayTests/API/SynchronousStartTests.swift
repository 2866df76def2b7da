import Testing

@testable import Netplay
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayWire

extension APITests {
    /// `NetHost.startSynchronously`: the start of a game loop that is not async code, over real
    /// sockets on 127.0.0.1. The host is served by a loop on a thread of its own, as a game's
    /// main loop would serve it.
    @Suite struct SynchronousStart {
        static let discovery = LANDiscoveryConfig.loopbackTest(ports: 49_797..<49_805)

        @Test(arguments: [NetServicing.networkThread, .gameThread])
        func itReturnsBoundAndTheHostAdmitsAClientAndEchoesIt(servicing: NetServicing) async throws {
            let host = try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: .loopbackTest(servicing), advertise: nil)
            #expect(host.port != 0)
            #expect(host.advertiser == nil)
            let echo = HostLoop.echoingChats(host)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: .loopbackTest(.networkThread))
            let peer = try #require(client.localPeer)
            #expect(echo.waitUntil { $0.contains(.connected(peer)) })
            let clientLog = EventLog(client.poll)
            try client.send(Chat(text: "hello"))
            #expect(await pollUntil(within: .seconds(10)) { clientLog.contains(.chat("hello", from: .host)) })
            echo.stop()
            await client.close()
            await host.close()
        }

        /// A game name of this run's own: another process running these tests at the same
        /// time advertises on the same ports.
        static func uniqueGame(_ name: String) -> String { "\(name)-\(UInt32.random(in: 0...UInt32.max))" }

        @Test func itsAdvertComesUpInTheBackgroundAndPlayersFindIt() async throws {
            let game = Self.uniqueGame("found-later")
            let host = try NetHost.startSynchronously(
                game: game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                advertise: Self.discovery, hostName: "bea")
            let found = try await Discovery.first(
                game: game, messages: APISetup.messages, timeout: .seconds(5), config: Self.discovery)
            #expect(found.advert.hostName == "bea" && found.address.port == host.port && found.advert.players == 1)
            // Found, the advert is up; it is kept a moment after it first answers.
            #expect(await pollUntil(within: .seconds(5)) { host.advertiser != nil })
            await host.close()
            #expect(host.advertiser == nil)
        }

        /// A host closed before its background advert came up: `close` waits for it, and the
        /// advert, when it comes, sees the close and stops, rather than advertising a game
        /// that is gone (kept, it would answer the search below).
        @Test func aCloseBeforeTheAdvertIsUpLeavesNoAdvert() async throws {
            let game = Self.uniqueGame("gone-early")
            let host = try NetHost.startSynchronously(
                game: game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                advertise: Self.discovery)
            await host.close()
            #expect(host.advertiser == nil)
            await #expect(throws: DiscoveryError.self) {
                _ = try await Discovery.first(
                    game: game, messages: APISetup.messages, timeout: .seconds(1), config: Self.discovery)
            }
            #expect(host.advertiser == nil)
        }

        /// A host let go without `close` while its advert still comes up: the task starting
        /// the advert holds it until the advert is up, then the host's goodbye stops the advert.
        @Test func aHostLetGoWhileItsAdvertStartsStopsItsAdvert() async throws {
            let game = Self.uniqueGame("let-go")
            weak var weakHost: NetHost?
            do {
                let host = try NetHost.startSynchronously(
                    game: game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                    advertise: Self.discovery)
                weakHost = host
            }
            #expect(await pollUntil(within: .seconds(5)) { weakHost == nil })
            // Gone within a few searches of a second each (the goodbye runs on a task).
            var listed = true
            for _ in 0..<5 where listed {
                do {
                    _ = try await Discovery.first(
                        game: game, messages: APISetup.messages, timeout: .seconds(1), config: Self.discovery)
                } catch {
                    listed = false
                }
            }
            #expect(!listed)
        }
    }
}
