import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayDrivers
@testable import NetplayProtocol

extension APITests {
    /// `NetClient.startConnecting`: the connect of a game loop that is not async code, over
    /// real sockets on 127.0.0.1. The client's own polls are the loop: they report the
    /// handshake's outcome as the first event for the host (and, on the game thread, drive it).
    @Suite struct StartConnecting {
        static let earlyChats = ["early.0", "early.1", "early.2"]

        func startHost(joinCode: String? = nil, _ servicing: NetServicing = .networkThread) throws -> NetHost {
            try NetHost.startSynchronously(
                game: APISetup.game, port: 0, interface: "127.0.0.1", joinCode: joinCode,
                messages: APISetup.messages, options: .loopbackTest(servicing), advertise: nil)
        }

        func startConnecting(to host: NetHost, joinCode: String? = nil, _ servicing: NetServicing) throws
            -> NetClient
        {
            try NetClient.startConnecting(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, joinCode: joinCode,
                messages: APISetup.messages, options: .loopbackTest(servicing))
        }

        /// Sent before the handshake ends, messages wait; they leave once the host admitted the
        /// player, on the game thread with the frame's `flush()` (the host sees them before the
        /// client polls again), and arrive in order.
        @Test(
            "the first event is .connected(.host); messages sent before it wait, then arrive in order",
            arguments: [NetServicing.networkThread, .gameThread])
        func messagesSentBeforeTheHandshakeLeaveAfterIt(servicing: NetServicing) async throws {
            let host = try startHost()
            let echo = HostLoop.echoingChats(host)
            let client = try startConnecting(to: host, servicing)
            if servicing == .gameThread {
                // Nothing drives a game-thread client's handshake but its polls.
                #expect(client.localPeer == nil && !client.isConnected)
            }
            for text in Self.earlyChats { try client.send(Chat(text: text)) }
            // A waiting poll, which on the game thread holds what it owes the host for the
            // game's answer (the frame's `flush`, or its next poll).
            let clientLog = EventLog { client.poll(waitingUpTo: .milliseconds(1)) }
            #expect(await pollUntil(within: .seconds(10)) { !clientLog.update().isEmpty })
            // (With a network thread, the echoes may already be in by the first poll that sees anything.)
            #expect(clientLog.seen.first == .connected(.host))
            client.flush()
            let peer = try #require(client.localPeer)
            let hostSaw =
                [.connected(.host), .connected(peer)] + Self.earlyChats.map { SeenEvent.chat($0, from: peer) }
            #expect(echo.waitUntil { $0 == hostSaw })
            let echoes = Self.earlyChats.map { SeenEvent.chat($0, from: .host) }
            #expect(await pollUntil(within: .seconds(10)) { clientLog.update().count == 4 })
            #expect(clientLog.seen == [.connected(.host)] + echoes)
            echo.stop()
            await client.close()
            await host.close()
        }

        /// A refusal comes as the only event for the host, with the reason `connect` would have
        /// thrown; the messages sent meanwhile never reach the host, and sends are refused after.
        @Test func aRefusedHandshakeIsReportedByPollAndItsMessagesAreDropped() async throws {
            let host = try startHost(joinCode: "4242")
            let hostLoop = HostLoop.echoingChats(host)
            let client = try startConnecting(to: host, joinCode: "1234", .gameThread)
            try client.send(Chat(text: "let me in"))
            let clientLog = EventLog(client.poll)
            #expect(await pollUntil(within: .seconds(10)) { clientLog.disconnectReason(of: .host) != nil })
            #expect(clientLog.seen == [.disconnected(.host, .wrongJoinCode)])
            #expect(throws: NetSendError.closed) { try client.send(Chat(text: "still there?")) }
            await client.close()
            #expect(hostLoop.waitUntil { $0 == [.connected(.host)] })
            hostLoop.stop()
            await host.close()
        }

        /// With no answer, the game's polls resend the hello and give up after the connect
        /// timeout, as `connect` would.
        @Test func noAnswerIsReportedAsUnreachableAfterTheTimeout() async throws {
            // A game-thread host that is never polled holds its port and reads nothing there
            // (a port just released could be taken by a host of another test running meanwhile).
            let silent = try startHost(.gameThread)
            let port = Int(silent.port)
            var options = NetOptions.loopbackTest(.gameThread)
            options.timeout = .milliseconds(600)
            let client = try NetClient.startConnecting(
                to: "127.0.0.1", port: port, game: APISetup.game, messages: APISetup.messages, options: options)
            let clientLog = EventLog(client.poll)
            let started = ContinuousClock.now
            #expect(await pollUntil(within: .seconds(10)) { clientLog.disconnectReason(of: .host) != nil })
            #expect(ContinuousClock.now - started >= .milliseconds(600))
            #expect(clientLog.seen == [.disconnected(.host, .hostUnreachable)])
            await client.close()
            await silent.close()
        }

        /// The hello leaves as the call returns, from a game-thread client too, which no
        /// thread services until its first poll: a bare socket in the host's place gets it.
        @Test func theHelloLeavesBeforeTheFirstPoll() throws {
            let fakeHost = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer { fakeHost.close() }
            let client = try NetClient.startConnecting(
                to: "127.0.0.1", port: Int(fakeHost.localAddress.port), game: APISetup.game,
                messages: APISetup.messages, options: .loopbackTest(.gameThread))
            #expect(fakeHost.waitUntilReadable(timeout: .seconds(5)))
            var received: [(PeerAddress, [UInt8])] = []
            _ = fakeHost.readAvailable(limit: 4) { received.append(($0, $1)) }
            #expect(received.count == 1)
            #expect(received.first?.0.port == client.localAddress.port)
            #expect(received.first?.1.first == PacketType.hello.rawValue)
            #expect((received.first?.1.count ?? 0) >= 1200)
        }

        @Test func anAddressThatNamesNoHostThrowsAtOnce() {
            #expect(throws: NetError.self) {
                _ = try NetClient.startConnecting(
                    to: "not an address", game: APISetup.game, messages: APISetup.messages)
            }
            #expect(throws: NetError.self) {
                _ = try NetClient.startConnecting(
                    to: "127.0.0.1", port: 0, game: APISetup.game, messages: APISetup.messages)
            }
        }
    }
}
