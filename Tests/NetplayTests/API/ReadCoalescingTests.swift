import Foundation
import Testing

@testable import Netplay
@testable import NetplayDrivers

extension APITests {
    /// `NetOptions.readCoalescingDelay`: a host of more than four players whose game takes
    /// events once a frame leaves its socket out of its network thread's wait for the delay
    /// after each read, so the packets that come meanwhile wake nobody and are read together.
    /// Counted by the wake-ups for datagrams (`SocketTransport.wakesForDatagrams`), which the
    /// timers' own passes, reading as every pass does, do not add to.
    @Suite("Coalesced reads", .timeLimit(.minutes(1)))
    struct ReadCoalescing {
        /// One case: the host's players, its delay, whether its game reads the `events`
        /// sequence (answers as they come), and whether its reads should coalesce.
        struct Case: Sendable, CustomTestStringConvertible {
            let players: Int
            let delay: Duration
            let readsEventsSequence: Bool
            let coalesces: Bool
            var testDescription: String {
                "\(players) players, \(delay)\(readsEventsSequence ? ", events sequence" : ""): "
                    + (coalesces ? "coalesces" : "reads as they come")
            }
        }

        static let cases = [
            Case(players: 5, delay: .milliseconds(500), readsEventsSequence: false, coalesces: true),
            Case(players: 5, delay: .zero, readsEventsSequence: false, coalesces: false),
            Case(players: 4, delay: .milliseconds(500), readsEventsSequence: false, coalesces: false),
            Case(players: 5, delay: .milliseconds(500), readsEventsSequence: true, coalesces: false),
        ]

        /// Chats sent one datagram each, a little apart, after a first one the host has read.
        static let chats = 10

        /// How long a test waits for something that comes at once on an idle machine.
        static let patience = Duration.seconds(10)

        /// A host on 127.0.0.1 with `options` and room for eight players from that one address,
        /// and its socket's transport.
        static func host(_ options: NetOptions) async throws -> (NetHost, SocketTransport) {
            var options = options
            options.maxPeers = 8
            options.maxPeersPerAddress = 8
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options, advertise: nil)
            return (host, try #require(host.session.attachedTransport as? SocketTransport))
        }

        /// `count` clients joined to `host` with `options`, once the host counts them all.
        static func join(_ count: Int, to host: NetHost, options: NetOptions) async throws -> [NetClient] {
            var clients: [NetClient] = []
            for _ in 0..<count {
                clients.append(
                    try await NetClient.connect(
                        to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                        options: options))
            }
            let counted = await pollUntil(within: patience, every: .milliseconds(1)) {
                host.session.playersConnected.load(ordering: .relaxed) == count
            }
            #expect(counted, "the host counts \(host.session.playersConnected.load(ordering: .relaxed)) players")
            return clients
        }

        @Test(arguments: cases)
        func packetsAfterAReadWakeTheThreadOnlyWhereReadsCoalesce(_ setup: Case) async throws {
            var options = NetOptions.loopbackTest()
            options.readCoalescingDelay = setup.delay
            let (host, transport) = try await Self.host(options)
            // The sequence's reader takes the chats (so the texts are not checked below); it is
            // there to mark the game as one that answers as events come.
            let reader = setup.readsEventsSequence ? Task { for await _ in host.events {} } : nil
            let clients = try await Self.join(setup.players, to: host, options: .loopbackTest())

            // A first chat, read: where reads coalesce, the socket is now out of the wait.
            let sender = clients[0]
            let before = transport.socket.statistics.datagramsReceived
            try sender.send(Chat(text: "first"))
            #expect(
                await pollUntil(within: .seconds(5), every: .milliseconds(1)) {
                    transport.socket.statistics.datagramsReceived > before
                })

            // The next chats, each its own datagram, well inside the delay.
            let wakesBefore = transport.wakesForDatagrams.load(ordering: .relaxed)
            for index in 0..<Self.chats {
                try sender.send(Chat(text: "\(index)"))
                try await Task.sleep(for: .milliseconds(2))
            }
            let wakes = transport.wakesForDatagrams.load(ordering: .relaxed) - wakesBefore
            if setup.coalesces {
                #expect(wakes == 0, "the chats woke the host's thread \(wakes) times")
            } else {
                #expect(wakes > 0)
            }

            // Every chat arrives all the same: the poll reads what waits on a socket left out
            // (and the timers' passes read it too, often first).
            if !setup.readsEventsSequence {
                var texts: [String] = []
                _ = await pollUntil(within: .seconds(5), every: .milliseconds(5)) {
                    for event in host.poll() {
                        if case .message(let chat as Chat, _) = event { texts.append(chat.text) }
                    }
                    return texts.count >= Self.chats + 1
                }
                #expect(texts == ["first"] + (0..<Self.chats).map(String.init))
                // A poll reads only when the network thread is not at it: poll on a while, well
                // inside the delay the last chats' read started.
                var pollsRead: Int { transport.readsBeforePolls.load(ordering: .relaxed) }
                for _ in 0..<100 where setup.coalesces && pollsRead == 0 {
                    _ = host.poll()
                    try await Task.sleep(for: .milliseconds(2))
                }
                if setup.coalesces {
                    #expect(pollsRead > 0, "no poll read the socket the thread left out")
                } else {
                    #expect(pollsRead == 0)
                }
            }
            reader?.cancel()
            for client in clients { await client.close() }
            await host.close()
        }

        /// On a quiet link the delay ends with a pass of its own, at its time: a socket left
        /// out is never forgotten there, nor left until some other deadline (up to a second
        /// away, `NetSession.maximumTimerSleep`) happens to wake the thread.
        @Test func theDelayEndsWithAPassAtItsTime() async throws {
            var options = NetOptions.loopbackTest()
            options.readCoalescingDelay = .milliseconds(200)
            // Quiet: no keepalive for seconds, on either side, to read and start a delay anew.
            options.keepaliveInterval = .seconds(8)
            options.interruptAfter = .seconds(30)
            let (host, transport) = try await Self.host(options)
            let clients = try await Self.join(5, to: host, options: options)
            // Every delay the handshakes started is over; then one read starts one.
            try await Task.sleep(for: .milliseconds(400))
            let before = transport.passesAfterCoalescing.load(ordering: .relaxed)
            try clients[0].send(Chat(text: "one"), on: .unreliable)
            let sent = ContinuousClock.now
            let ended = await pollUntil(within: .seconds(5), every: .milliseconds(2)) {
                transport.passesAfterCoalescing.load(ordering: .relaxed) > before
            }
            let took = ContinuousClock.now - sent
            try #require(ended, "the delay never ended with a pass")
            #expect(took < .milliseconds(800), "it ended \(took) after the chat")
            for client in clients { await client.close() }
            await host.close()
        }
    }
}
