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
    /// Host and client in one process over real UDP sockets on 127.0.0.1 and ::1. (The issue's
    /// two-process variant needs the `netplay` tool to host; until then both ends live here,
    /// each with its own socket and event-loop thread.)
    @Suite struct LoopbackUDP {
        static let addresses = ["127.0.0.1", "::1"]
        /// Real time allowed for anything that should take milliseconds on loopback.
        static let patience = Duration.seconds(10)
        static let pollInterval = Duration.milliseconds(2)

        var options: NetOptions { .loopbackTest() }

        /// Polls until `condition` holds or ``patience`` passes.
        func eventually(_ condition: () -> Bool) async -> Bool {
            await pollUntil(within: Self.patience, every: Self.pollInterval, condition)
        }

        func start(on address: String, joinCode: String? = nil) async throws -> NetHost {
            try await NetHost.start(
                game: APISetup.game, port: 0, interface: address, joinCode: joinCode,
                messages: APISetup.messages, options: options, advertise: nil)
        }

        func connect(to host: NetHost, at address: String, joinCode: String? = nil) async throws -> NetClient {
            try await NetClient.connect(
                to: address, port: Int(host.port), game: APISetup.game, joinCode: joinCode,
                messages: APISetup.messages, options: options)
        }

        @Test(arguments: addresses)
        func connectExchangeAndClientCloses(address: String) async throws {
            let host = try await start(on: address)
            let hostLog = EventLog(host.poll)
            let client = try await connect(to: host, at: address)
            let clientLog = EventLog(client.poll)
            let peer = try #require(client.localPeer)
            #expect(await eventually { hostLog.contains(.connected(peer)) })

            try client.send(Chat(text: "ping"))
            #expect(await eventually { hostLog.contains(.chat("ping", from: peer)) })
            try host.send(Chat(text: "pong"), to: .peer(peer))
            try host.send(Step(x: 3, y: 4), on: .unreliableSequenced)
            #expect(await eventually { clientLog.contains(.step(Step(x: 3, y: 4), from: .host)) })
            #expect(await eventually { clientLog.contains(.chat("pong", from: .host)) })
            #expect(await eventually { hostLog.update().contains(.step(Step(x: 3, y: 4), from: .host)) })
            #expect(client.statistics != nil && host.statistics(for: peer) != nil)

            await client.close()
            #expect(clientLog.update().last == .disconnected(.host, .closedLocally))
            #expect(await eventually { hostLog.disconnectReason(of: peer) != nil })
            #expect(hostLog.disconnectReason(of: peer) == .closedByPeer(reason: nil))
            await host.close()
            #expect(hostLog.update().last == .disconnected(.host, .closedLocally))
        }

        @Test(arguments: addresses)
        func hostShutDownReachesTheClient(address: String) async throws {
            let host = try await start(on: address)
            let client = try await connect(to: host, at: address)
            let clientLog = EventLog(client.poll)
            let peer = try #require(client.localPeer)
            let hostLog = EventLog(host.poll)
            #expect(await eventually { host.peers == [peer] })
            await host.close()
            #expect(hostLog.disconnectReason(of: peer) == .closedLocally)
            #expect(await eventually { clientLog.disconnectReason(of: .host) != nil })
            #expect(clientLog.disconnectReason(of: .host) == .hostShutDown)
            #expect(throws: NetSendError.closed) { try host.send(Chat(text: "gone")) }
            await client.close()
        }

        @Test func defaultInterfaceTakesIPv4AndIPv6Clients() async throws {
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, messages: APISetup.messages, options: options,
                advertise: nil)
            let hostLog = EventLog(host.poll)
            for address in Self.addresses {
                let client = try await connect(to: host, at: address)
                try client.send(Chat(text: address))
                let peer = try #require(client.localPeer)
                #expect(await eventually { hostLog.contains(.chat(address, from: peer)) })
                await client.close()
            }
            await host.close()
        }

        @Test func wrongJoinCodeIsThrownByConnect() async throws {
            let host = try await start(on: "127.0.0.1", joinCode: "BLUE-42")
            await #expect(throws: NetError.refused(.wrongJoinCode)) {
                _ = try await connect(to: host, at: "127.0.0.1", joinCode: "RED-7")
            }
            await host.close()
        }

        @Test func aClientOfAnotherGameIsToldWhichGameRunsThere() async throws {
            let host = try await start(on: "127.0.0.1")
            await #expect(throws: NetError.refused(.wrongGame(host: APISetup.game, local: "hid"))) {
                _ = try await NetClient.connect(
                    to: "127.0.0.1", port: Int(host.port), game: "hid", messages: APISetup.messages, options: options)
            }
            await host.close()
        }

        @Test func aTakenPortIsReportedAsSuch() async throws {
            let first = try await start(on: "127.0.0.1")
            await #expect(throws: NetError.portInUse(first.port)) {
                _ = try await NetHost.start(
                    game: APISetup.game, port: Int(first.port), interface: "127.0.0.1",
                    messages: APISetup.messages, options: options, advertise: nil)
            }
            #expect(!NetError.portInUse(first.port).description.contains("errno"))
            await first.close()
        }

        @Test func eventsSequenceServesAsyncCode() async throws {
            let host = try await start(on: "127.0.0.1")
            let client = try await connect(to: host, at: "127.0.0.1")
            let serving = Task {
                var seen: [SeenEvent] = []
                for await event in host.events {
                    seen.append(SeenEvent(event))
                    if case .message(let chat as Chat, let from) = event {
                        try? host.send(Chat(text: "echo " + chat.text), to: .peer(from))
                    }
                }
                return seen
            }
            let clientLog = EventLog(client.poll)
            try client.send(Chat(text: "hi"))
            #expect(await eventually { clientLog.contains(.chat("echo hi", from: .host)) })
            await client.close()
            await host.close()
            let seen = await serving.value
            #expect(seen.first == .connected(.host))
            #expect(seen.last == .disconnected(.host, .closedLocally))
        }

        @Test func rejectsANonNumericAddress() async {
            await #expect(throws: NetError.invalidAddress("localhost")) {
                _ = try await NetClient.connect(to: "localhost", game: APISetup.game, messages: APISetup.messages)
            }
        }
    }
}
