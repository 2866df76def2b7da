import Foundation
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayDiscovery
@testable import NetplayDrivers

extension APITests {
    /// `NetClient.closeSynchronously` and `NetHost.closeSynchronously`: the close of a game
    /// loop that is not async code, over real sockets on 127.0.0.1. Each test's loop runs on a
    /// thread of its own, off Swift's pool, as a game's main loop would.
    @Suite(.timeLimit(.minutes(1))) struct SynchronousClose {
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
        /// socket, and returns without the flush's wait (30 s here).
        @Test(arguments: [NetServicing.networkThread, .gameThread])
        func aRefusedClientClosesAtOnce(servicing: NetServicing) async throws {
            let host = try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", joinCode: "4242", messages: APISetup.messages,
                options: .loopbackTest(), advertise: nil)
            var patient = NetOptions.loopbackTest(servicing)
            patient.closeFlushTimeout = .seconds(30)
            let options = patient
            let closing = await offTheCooperativePool { () -> Duration? in
                guard
                    let client = try? NetClient.startConnecting(
                        to: "127.0.0.1", port: Int(host.port), game: APISetup.game, joinCode: "1234",
                        messages: APISetup.messages, options: options)
                else { return nil }
                let deadline = ContinuousClock.now + .seconds(10)
                var refused = false
                while !refused, ContinuousClock.now < deadline {
                    for case .disconnected(.host, .wrongJoinCode) in client.poll(waitingUpTo: .milliseconds(5)) {
                        refused = true
                    }
                }
                let started = ContinuousClock.now
                client.closeSynchronously()
                return refused && client.session.closed.value != nil ? ContinuousClock.now - started : nil
            }
            let took = try #require(closing)
            #expect(took < .seconds(10))
            await host.close()
        }

        /// With nothing acknowledged (the host no longer reads), the close gives the client's
        /// reliable message `closeFlushTimeout` and no more, then says goodbye anyway.
        @Test(arguments: [NetServicing.networkThread, .gameThread])
        func anUnansweredCloseWaitsTheFlushTimeoutAndNoMore(servicing: NetServicing) async throws {
            let host = try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: .loopbackTest(.gameThread), advertise: nil)
            let hostLoop = HostLoop(host) { _, _ in }
            var options = NetOptions.loopbackTest(servicing)
            options.closeFlushTimeout = .milliseconds(300)
            options.interruptAfter = .seconds(30)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: options)
            // The game-thread host is read only by its loop: stopped, it acknowledges nothing.
            hostLoop.stop()
            let took = await offTheCooperativePool { () -> Duration in
                try? client.send(Chat(text: "unheard"))
                let started = ContinuousClock.now
                client.closeSynchronously()
                return ContinuousClock.now - started
            }
            #expect(took >= .milliseconds(300) && took < .seconds(10))
            #expect(client.session.closed.value != nil)
            await host.close()
        }

        /// Closes of every kind at once, and again: each returns, and the socket is closed once.
        @Test func closesTogetherAndAgainAllReturn() async throws {
            let host = try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: .loopbackTest(), advertise: nil)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: .loopbackTest())
            async let blocking: Void = offTheCooperativePool { client.closeSynchronously() }
            async let alsoBlocking: Void = offTheCooperativePool { client.closeSynchronously() }
            await client.close()
            _ = await (blocking, alsoBlocking)
            await offTheCooperativePool { client.closeSynchronously() }
            await client.close()
            #expect(client.session.closed.value != nil)
            let again = try ServicedUDPSocket.open(host: "127.0.0.1", port: Int(client.localAddress.port))
            again.close()
            await offTheCooperativePool { host.closeSynchronously() }
            await host.close()
        }

        /// A host closed before its background advert is up waits for it and stops it.
        @Test func aSynchronousCloseBeforeTheAdvertIsUpLeavesNoAdvert() async throws {
            let game = SynchronousStart.uniqueGame("closed-sync-early")
            let host = try NetHost.startSynchronously(
                game: game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                advertise: Self.discovery)
            await offTheCooperativePool { host.closeSynchronously() }
            #expect(host.advertiser == nil)
            await #expect(throws: DiscoveryError.self) {
                _ = try await Discovery.first(
                    game: game, messages: APISetup.messages, timeout: .seconds(1), config: Self.discovery)
            }
        }

        /// For the two tests below: a program that neither stopped nor finished in 10 s exits
        /// with success, which fails them, rather than hang the run.
        static func exitSuccessfullyAfterTenSeconds() {
            Thread {
                Thread.sleep(forTimeInterval: 10)
                exit(0)
            }.start()
        }

        /// On the network thread the close would wait for itself: the program stops, with a
        /// message, instead of hanging.
        @Test func onTheNetworkThreadItStopsTheProgram() async {
            await #expect(processExitsWith: .failure) {
                Self.exitSuccessfullyAfterTenSeconds()
                let host = try NetHost.startSynchronously(
                    game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                    options: .loopbackTest(), advertise: nil)
                await Task(executorPreference: host.executor) { host.closeSynchronously() }.value
            }
        }

        /// Inside a pass of the game's own thread (here an observer a pass calls) the close
        /// would wait for that pass: the program stops, with a message, instead of spinning.
        @Test func insideItsOwnPollItStopsTheProgram() async {
            await #expect(processExitsWith: .failure) {
                Self.exitSuccessfullyAfterTenSeconds()
                let host = try NetHost.startSynchronously(
                    game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                    options: .loopbackTest(.gameThread), advertise: nil)
                host.session.onPeerCountChange { count in if count == 1 { host.closeSynchronously() } }
                let client = try NetClient.startConnecting(
                    to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                    options: .loopbackTest())
                // Bounded: the join's pass stops the program long before.
                for _ in 0..<2_000 { _ = host.poll(waitingUpTo: .milliseconds(5)) }
                withExtendedLifetime(client) {}
            }
        }
    }
}
