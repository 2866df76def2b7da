import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayTesting

extension APITests {
    /// `NetClient.startConnecting`: the connect of a game loop that is not async code, over
    /// real sockets on 127.0.0.1. The client's own polls are the loop: they report the
    /// handshake's outcome as the first event for the host (and, on the game thread, drive it).
    @Suite(.timeLimit(.minutes(1))) struct StartConnecting {
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
            // A poll that returns events, which on the game thread holds what it owes the host
            // for the game's answer (the frame's `flush`, or its next poll).
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
        /// thrown; the message sent meanwhile is dropped with the session (the host admitted
        /// no one, and only an admitted player's packets carry messages), and sends are
        /// refused after.
        @Test(arguments: [NetServicing.networkThread, .gameThread])
        func aRefusedHandshakeIsReportedByPollAndItsMessagesAreDropped(servicing: NetServicing) async throws {
            let host = try startHost(joinCode: "4242")
            let hostLoop = HostLoop.echoingChats(host)
            let client = try startConnecting(to: host, joinCode: "1234", servicing)
            // Queued before the refusal, or refused after it: a network thread may be that quick.
            _ = try? client.send(Chat(text: "let me in"))
            let clientLog = EventLog(client.poll)
            #expect(await pollUntil(within: .seconds(10)) { clientLog.disconnectReason(of: .host) != nil })
            #expect(clientLog.seen == [.disconnected(.host, .wrongJoinCode)])
            #expect(client.session.withCore { $0.backlog.isEmpty })
            #expect(host.peers.isEmpty && host.handshakeStatistics.pendingHandshakes == 0)
            #expect(throws: NetSendError.closed) { try client.send(Chat(text: "still there?")) }
            await client.close()
            hostLoop.stop()
            await host.close()
        }

        /// With no answer, the hello is resent until the connect timeout, then the polls
        /// report `hostUnreachable`, as `connect` would throw.
        @Test(arguments: [NetServicing.networkThread, .gameThread])
        func noAnswerIsReportedAsUnreachableAfterTheTimeout(servicing: NetServicing) async throws {
            // A game-thread host that is never polled holds its port and reads nothing there
            // (a port just released could be taken by a host of another test running meanwhile).
            let silent = try startHost(.gameThread)
            var options = NetOptions.loopbackTest(servicing)
            options.timeout = .milliseconds(600)
            let started = ContinuousClock.now
            let client = try NetClient.startConnecting(
                to: "127.0.0.1", port: Int(silent.port), game: APISetup.game, messages: APISetup.messages,
                options: options)
            let clientLog = EventLog(client.poll)
            #expect(await pollUntil(within: .seconds(10)) { clientLog.disconnectReason(of: .host) != nil })
            #expect(ContinuousClock.now - started >= .milliseconds(600))
            #expect(clientLog.seen == [.disconnected(.host, .hostUnreachable)])
            await client.close()
            await silent.close()
        }

        /// Messages waiting for the handshake count against `maxBufferedSendBytes` (each at
        /// least 64 bytes), before the first poll and after it.
        @Test func messagesWaitingForTheHandshakeAreChargedToTheSendBuffer() async throws {
            let silent = try startHost(.gameThread)
            var options = NetOptions.loopbackTest(.gameThread)
            options.maxBufferedSendBytes = 1_000
            let client = try NetClient.startConnecting(
                to: "127.0.0.1", port: Int(silent.port), game: APISetup.game, messages: APISetup.messages,
                options: options)
            var accepted = 0
            while (try? client.send(Chat(text: "\(accepted)"))) != nil, accepted < 100 { accepted += 1 }
            #expect(accepted == 1_000 / 64)
            #expect(client.poll().isEmpty)
            #expect(client.session.withCore { $0.backlog.count } == accepted)
            #expect(throws: NetSendError.queueFull) { try client.send(Chat(text: "one more")) }
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
            for (host, port) in [("not an address", NetHost.defaultPort), ("127.0.0.1", 0)] {
                #expect {
                    _ = try NetClient.startConnecting(
                        to: host, port: port, game: APISetup.game, messages: APISetup.messages)
                } throws: { error in
                    if case NetError.invalidAddress = error { return true }
                    return false
                }
            }
        }

        /// In virtual time, timers at their deadlines (`SimulatedNetwork`, `.atDeadlines`), as a
        /// network thread runs them: a message sent before the handshake makes the client run
        /// no more passes than one without (retried at every tick, it woke the client every
        /// tick interval while the host did not answer).
        @Test func messagesWaitingForTheHandshakeAskForNoExtraTicks() throws {
            let net = SimulatedNetwork(seed: 21, ticking: .atDeadlines)
            // Nobody at the host's address: both clients resend their hellos, then give up.
            let quiet = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            let waiting = try net.connectClient(
                at: APISetup.clientAddress(1), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            try waiting.send(Chat(text: "early"))
            // The send's flush and the first ticks, then a second of waiting: the two clients'
            // passes over that second are their hello resends' alone.
            net.run(for: .milliseconds(10))
            let before = (waiting: waiting.session.statistics.ticks, quiet: quiet.session.statistics.ticks)
            net.run(for: .seconds(1))
            #expect(waiting.session.withCore { $0.backlog.count } == 1)
            let passes = waiting.session.statistics.ticks - before.waiting
            #expect(passes == quiet.session.statistics.ticks - before.quiet)
            #expect(passes <= 5)
        }

        /// In virtual time: the read burst that admits the player sends what waited, so the
        /// host has it without another pass of the client's.
        @Test func earlyMessagesLeaveInTheReadBurstThatAdmitsThePlayer() throws {
            let net = SimulatedNetwork(seed: 22, ticking: .atDeadlines)
            let (_, hostLog, client) = try net.hostAndClientSendingEarly("early")
            // In steps far shorter than a tick interval, so the look comes right after the
            // burst that brought `.connected(.host)`, before any later tick of the client's.
            for _ in 0..<20_000 where !client.session.events.hasPending { net.run(for: .microseconds(100)) }
            #expect(client.session.events.hasPending)
            #expect(client.session.withCore { $0.backlog.isEmpty && $0.hasPacketsInFlight() })
            let peer = try #require(client.localPeer)
            #expect(net.run(until: { hostLog.update().contains(.chat("early", from: peer)) }, limit: .seconds(1)))
        }
    }
}
