import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayDiscovery
@testable import NetplayDrivers

extension APITests {
    /// `NetClient.closeSynchronously` and `NetHost.closeSynchronously`: the close of a game
    /// loop that is not async code, over real sockets on 127.0.0.1. Each test's loop runs on a
    /// thread of its own, off Swift's pool, as a game's main loop would.
    @Suite struct SynchronousClose {
        static let discovery = LANDiscoveryConfig.loopbackTest(ports: 49_805..<49_813)

        /// What the loop of the first test saw: its id once connected, whether its close
        /// finished, its last event, and its port.
        struct Outcome: Sendable {
            let peer: NetPeer?
            let closed: Bool
            let last: SeenEvent?
            let port: UInt16
        }

        /// A loop that never awaits: it connects, sends its last words and closes. The host
        /// gets them before the goodbye (the close flushed them), and both sockets are shut
        /// when the calls return: their ports can be bound again.
        @Test(arguments: [NetServicing.networkThread, .gameThread])
        func aLoopConnectsSendsAndClosesWithoutAwaiting(servicing: NetServicing) async throws {
            let host = try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: .loopbackTest(servicing), advertise: nil)
            let hostLoop = HostLoop(host) { _, _ in }
            let outcome = await offTheCooperativePool { () -> Outcome? in
                guard
                    let client = try? NetClient.startConnecting(
                        to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                        options: .loopbackTest(servicing))
                else { return nil }
                let deadline = ContinuousClock.now + .seconds(10)
                var connected = false
                while !connected, ContinuousClock.now < deadline {
                    for case .connected in client.poll(waitingUpTo: .milliseconds(5)) { connected = true }
                }
                let peer = client.localPeer
                try? client.send(Chat(text: "last words"))
                client.closeSynchronously()
                return Outcome(
                    peer: connected ? peer : nil, closed: client.session.closed.value != nil,
                    last: client.poll().last.map(SeenEvent.init), port: client.localAddress.port)
            }
            let peer = try #require(outcome?.peer)
            #expect(outcome?.closed == true)
            #expect(outcome?.last == .disconnected(.host, .closedLocally))
            #expect(
                hostLoop.waitUntil {
                    $0 == [
                        .connected(.host), .connected(peer), .chat("last words", from: peer),
                        .disconnected(peer, .closedByPeer(reason: nil)),
                    ]
                })
            hostLoop.stop()
            await offTheCooperativePool { host.closeSynchronously() }
            #expect(host.session.closed.value != nil)
            // Both sockets are closed: their ports bind again.
            for port in [host.port, outcome?.port ?? 0] {
                let again = try ServicedUDPSocket.open(host: "127.0.0.1", port: Int(port))
                again.close()
            }
        }

        /// A host closed synchronously stops its LAN advert first: no search finds the game.
        @Test func anAdvertisedHostClosedSynchronouslyLeavesNoAdvert() async throws {
            let game = SynchronousStart.uniqueGame("closed-sync")
            let host = try NetHost.startSynchronously(
                game: game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                advertise: Self.discovery)
            let found = try await Discovery.first(
                game: game, messages: APISetup.messages, timeout: .seconds(5), config: Self.discovery)
            #expect(found.address.port == host.port)
            await offTheCooperativePool { host.closeSynchronously() }
            #expect(host.advertiser == nil && host.session.closed.value != nil)
            await #expect(throws: DiscoveryError.self) {
                _ = try await Discovery.first(
                    game: game, messages: APISetup.messages, timeout: .seconds(1), config: Self.discovery)
            }
        }

        /// A client the host refused is over already: its synchronous close only frees the
        /// socket, and returns at once (no flush waits for a host that never admitted it).
        @Test func aRefusedClientClosesAtOnce() async throws {
            let host = try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", joinCode: "4242", messages: APISetup.messages,
                options: .loopbackTest(), advertise: nil)
            let closed = await offTheCooperativePool { () -> Bool in
                guard
                    let client = try? NetClient.startConnecting(
                        to: "127.0.0.1", port: Int(host.port), game: APISetup.game, joinCode: "1234",
                        messages: APISetup.messages, options: .loopbackTest(.gameThread))
                else { return false }
                let deadline = ContinuousClock.now + .seconds(10)
                var refused = false
                while !refused, ContinuousClock.now < deadline {
                    for case .disconnected(.host, .wrongJoinCode) in client.poll(waitingUpTo: .milliseconds(5)) {
                        refused = true
                    }
                }
                client.closeSynchronously()
                return refused && client.session.closed.value != nil
            }
            #expect(closed)
            await host.close()
        }
    }
}
