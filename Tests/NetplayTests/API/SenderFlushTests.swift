import NIOConcurrencyHelpers
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayTesting
@testable import NetplayWire

extension APITests {
    /// `NetSession.requestSendFlush()`: when the game answers events as they come (async code
    /// reads them, or its loop waits in `poll(waitingUpTo:)`), on an idle link (nothing in
    /// flight) a sender flushes its own messages, as Nagle's rule lets TCP send at once; with
    /// packets in flight, a kick waiting, many peers, or a frame loop that polls without
    /// waiting, it leaves the flush to the network thread, which batches what follows.
    @Suite struct SenderFlush {
        let net = SimulatedNetwork(seed: 11)

        /// The loopback echo tests' rounds, and the burst of chats the client sends in each.
        static let rounds = 60
        static let burst = 3
        /// Every chat the client sends over the rounds, in order ("round.index").
        static var sentChats: [String] { (0..<rounds).flatMap { round in (0..<burst).map { "\(round).\($0)" } } }

        /// A host on 127.0.0.1 and a client connected to it, with a timeout patient enough for
        /// a loaded 2-core machine.
        static func loopbackPair() async throws -> (NetHost, NetClient) {
            let options = NetOptions.loopbackTest()
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options, advertise: nil)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: options)
            return (host, client)
        }

        /// Runs the network until `session` has nothing in flight.
        func settle(_ session: NetSession) {
            #expect(net.run(until: { !session.withCore { $0.hasPacketsInFlight() } }, limit: .seconds(1)))
        }

        @Test("an idle link's message leaves from the sender's flush; the next, sent in flight, waits for the batch")
        func idleLinkFlushesOnTheSendersThreadAndOnlyThen() throws {
            let (_, hostLog, client, _, peer) = try net.connectedPair()
            settle(client.session)

            try client.send(Chat(text: "first"))
            #expect(client.session.flushSendsOnSenderThread(now: net.now))
            #expect(client.session.statistics.sendersFlushes == 1)
            #expect(client.session.buffer.withLock { $0.messages.isEmpty && !$0.flushScheduled })
            #expect(client.session.withCore { $0.hasPacketsInFlight() })

            // "first" is in flight: the second waits in the buffer for the network's flush.
            try client.send(Chat(text: "second"))
            #expect(!client.session.flushSendsOnSenderThread(now: net.now))
            #expect(client.session.statistics.sendersFlushes == 1)
            #expect(client.session.buffer.withLock { $0.messages.count == 1 && $0.flushScheduled })

            #expect(net.run(until: { hostLog.update().count == 4 }, limit: .seconds(1)))
            #expect(hostLog.seen.suffix(2) == [.chat("first", from: peer), .chat("second", from: peer)])
        }

        @Test("a waiting kick is the network's work: the sender's flush declines and leaves it queued")
        func aKickIsNeverFlushedOnTheSendersThread() throws {
            let (host, _, client, _, peer) = try net.connectedPair()
            settle(host.session)
            try host.send(Chat(text: "bye"), to: .peer(peer))
            host.kick(peer, reason: "test")
            #expect(!host.session.flushSendsOnSenderThread(now: net.now))
            #expect(host.session.statistics.sendersFlushes == 0)
            #expect(host.session.buffer.withLock { $0.kicks.count == 1 && $0.messages.count == 1 })

            let clientLog = EventLog(client.poll)
            #expect(net.run(until: { clientLog.disconnectReason(of: .host) != nil }, limit: .seconds(2)))
        }
        @Test("a host of more than a few peers leaves even an idle link's flush to the network thread")
        func aHostOfManyPeersLeavesItsFlushesToTheNetworkThread() throws {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let hostLog = EventLog(host.poll)
            var clients: [NetClient] = []
            for index in 0...NetCore.maxPeersForSendersFlush {
                clients.append(
                    try net.connectClient(
                        at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                        messages: APISetup.messages))
                #expect(net.run(until: { hostLog.update().count == index + 2 }, limit: .seconds(2)))
            }
            settle(host.session)
            try host.send(Chat(text: "everyone"))
            #expect(!host.session.flushSendsOnSenderThread(now: net.now))
            #expect(host.session.buffer.withLock { $0.messages.count == 1 })
            // One client fewer, and the same send is the sender's to flush.
            clients.removeLast().session.requestClose()
            #expect(net.run(until: { host.peers.count == NetCore.maxPeersForSendersFlush }, limit: .seconds(5)))
            settle(host.session)
            try host.send(Chat(text: "the four of you"))
            #expect(host.session.flushSendsOnSenderThread(now: net.now))
            #expect(host.session.statistics.sendersFlushes == 1)
            #expect(host.session.buffer.withLock { $0.messages.isEmpty })
        }

        /// Over loopback sockets, both ends reading on Swift's pool: each round, the client
        /// sends a burst of three and the host echoes each. A reply on an idle link leaves from
        /// the pool thread; the rest from the network thread. Passes from both threads must
        /// keep every message, and every echo, in order.
        @Test func echoesOverLoopbackArriveInOrderFromEitherThread() async throws {
            let (host, client) = try await Self.loopbackPair()
            let watchdog = APITests.NetworkExecutor.watchdog(host, client)
            let echo = Task { () -> [String] in
                var heard: [String] = []
                for await event in host.events {
                    guard case .message(let chat as Chat, let peer) = event else { continue }
                    heard.append(chat.text)
                    try? host.send(Chat(text: "re: \(chat.text)"), to: .peer(peer))
                    if heard.count == Self.rounds * Self.burst { break }
                }
                return heard
            }
            var replies: [String] = []
            var events = client.events.makeAsyncIterator()
            for round in 0..<Self.rounds {
                for index in 0..<Self.burst { try client.send(Chat(text: "\(round).\(index)")) }
                var received = 0
                while received < Self.burst, let event = await events.next() {
                    guard case .message(let chat as Chat, _) = event else { continue }
                    replies.append(chat.text)
                    received += 1
                }
            }
            let sent = Self.sentChats
            let heard = try #require(await boundedValue(of: echo, within: APITests.NetworkExecutor.patience))
            #expect(heard == sent)
            #expect(replies == sent.map { "re: \($0)" })
            // Both paths ran: 16–42 of a side's 180 flushes were the sender's in trial runs.
            #expect(host.session.statistics.sendersFlushes + client.session.statistics.sendersFlushes > 0)
            watchdog.cancel()
            await client.close()
            await host.close()
        }

        /// Which games answer events as they come: one whose last poll was asked to wait and
        /// returned events (a server's or a tool's loop), or async code reading the sequence;
        /// not a frame loop's poll, a wait that came back empty (a loop pacing its frames),
        /// nor a game that has not polled yet.
        @Test("a poll that waited and got events answers as they come; a frame's poll or an empty wait does not")
        func whichPollsAnswerAsEventsCome() throws {
            let (host, _, client, _, peer) = try net.connectedPair()
            let events = client.session.events
            #expect(!events.answersAsTheyCome)
            try host.send(Chat(text: "ping"), to: .peer(peer))
            #expect(net.run(until: { events.hasPending }, limit: .seconds(1)))
            #expect(!client.poll(waitingUpTo: .nanoseconds(1)).isEmpty)
            #expect(events.answersAsTheyCome)
            _ = client.poll()
            #expect(!events.answersAsTheyCome)

            try host.send(Chat(text: "again"), to: .peer(peer))
            #expect(net.run(until: { events.hasPending }, limit: .seconds(1)))
            #expect(!client.poll(waitingUpTo: .nanoseconds(1)).isEmpty)
            #expect(events.answersAsTheyCome)
            #expect(client.poll(waitingUpTo: .nanoseconds(1)).isEmpty)
            #expect(!events.answersAsTheyCome)

            #expect(!host.session.events.answersAsTheyCome)
            _ = host.events
            #expect(host.session.events.answersAsTheyCome)
        }

        /// Over loopback sockets, both ends polling on threads of their own and waiting for
        /// each event (`poll(waitingUpTo:)`): each round, the client sends a burst of three and
        /// the host echoes each. A reply on an idle link leaves from the polling thread; the
        /// rest from the network thread. Every message, and every echo, in order.
        @Test func echoesBetweenWaitingPollersArriveInOrderFromEitherThread() async throws {
            let (host, client) = try await Self.loopbackPair()
            let heard = NIOLockedValueBox<[String]>([])
            let echo = HostLoop(host) { event, host in
                guard case .message(let chat as Chat, let peer) = event else { return }
                heard.withLockedValue { $0.append(chat.text) }
                try? host.send(Chat(text: "re: \(chat.text)"), to: .peer(peer))
            }
            let replies = await offTheCooperativePool { () -> [String] in
                var replies: [String] = []
                let deadline = ContinuousClock.now + APITests.GameThreadServicing.patience
                for round in 0..<Self.rounds {
                    for index in 0..<Self.burst { try? client.send(Chat(text: "\(round).\(index)")) }
                    while replies.count < (round + 1) * Self.burst, ContinuousClock.now < deadline {
                        for case .message(let chat as Chat, _) in client.poll(waitingUpTo: .milliseconds(10)) {
                            replies.append(chat.text)
                        }
                    }
                }
                return replies
            }
            echo.stop()
            let sent = Self.sentChats
            #expect(heard.withLockedValue { $0 } == sent)
            #expect(replies == sent.map { "re: \($0)" })
            #expect(host.session.statistics.sendersFlushes + client.session.statistics.sendersFlushes > 0)
            await client.close()
            await host.close()
        }

        /// A game loop that polls without waiting sends a frame's messages together: its sends
        /// always leave from the network thread, in one batch, over loopback sockets too.
        @Test func aPollingGameNeverFlushesOnItsOwnThread() async throws {
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages, advertise: nil)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages)
            var heard = 0
            for round in 0..<20 {
                try client.send(Chat(text: "\(round)"))
                let arrived = await pollUntil(within: .seconds(5)) {
                    for case .message in host.poll() { heard += 1 }
                    return heard > round
                }
                #expect(arrived)
            }
            #expect(heard == 20)
            #expect(client.session.statistics.sendersFlushes == 0)
            #expect(client.session.statistics.flushes >= 1)
            await client.close()
            await host.close()
        }
    }
}
