import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDrivers

extension APITests {
    /// `NetServicing.gameThread` over real sockets on loopback: the game's own calls read the
    /// socket, run the timers and send; nothing happens between them. And `poll(waitingUpTo:)`
    /// in both modes.
    @Suite struct GameThreadServicing {
        static let addresses = ["127.0.0.1", "::1"]
        /// Real time allowed for anything that should take milliseconds on loopback.
        static let patience = Duration.seconds(10)

        func start(on address: String, _ servicing: NetServicing) async throws -> NetHost {
            try await NetHost.start(
                game: APISetup.game, port: 0, interface: address, messages: APISetup.messages,
                options: .loopbackTest(servicing), advertise: nil)
        }

        func connect(to host: NetHost, at address: String, _ servicing: NetServicing) async throws -> NetClient {
            try await NetClient.connect(
                to: address, port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: .loopbackTest(servicing))
        }

        /// A game-thread host and client on `address`, the host served by a loop of its own that
        /// echoes every chat at once.
        func echoingGameThreadPair(on address: String) async throws -> (NetHost, HostLoop, NetClient, NetPeer) {
            let host = try await start(on: address, .gameThread)
            let echo = HostLoop.echoingChats(host)
            let client = try await connect(to: host, at: address, .gameThread)
            return (host, echo, client, try #require(client.localPeer))
        }

        /// A game-thread host, serviced by a loop of its own until a network-thread client has
        /// joined it, then left alone (nobody polls it).
        func gameThreadHostWithAClient(on address: String) async throws -> (NetHost, NetClient, NetPeer) {
            let host = try await start(on: address, .gameThread)
            let admit = HostLoop(host) { _, _ in }
            let client = try await connect(to: host, at: address, .networkThread)
            let peer = try #require(client.localPeer)
            #expect(admit.waitUntil { $0.contains(.connected(peer)) })
            admit.stop()
            return (host, client, peer)
        }

        /// Polls `poll` (waiting up to `patience` each time) until `condition` holds for what
        /// arrived; returns everything seen.
        func waitFor(
            _ poll: (Duration) -> [NetEvent], until condition: ([SeenEvent]) -> Bool
        ) -> [SeenEvent] {
            var seen: [SeenEvent] = []
            let deadline = ContinuousClock.now + Self.patience
            while !condition(seen), ContinuousClock.now < deadline {
                seen += poll(.milliseconds(100)).map(SeenEvent.init)
            }
            return seen
        }

        @Test(arguments: addresses)
        func echoesRoundTripWhenBothSidesServiceOnTheirOwnThreads(address: String) async throws {
            let (host, echo, client, peer) = try await echoingGameThreadPair(on: address)
            var echoed: [String] = []
            for index in 0..<50 {
                try client.send(Chat(text: "m\(index)"))
                client.flush()
                let seen = waitFor(client.poll(waitingUpTo:)) { $0.contains(.chat("m\(index)", from: .host)) }
                echoed += seen.compactMap { event in
                    guard case .chat(let text, from: .host) = event else { return nil }
                    return text
                }
            }
            #expect(echoed == (0..<50).map { "m\($0)" })
            await client.close()
            #expect(echo.waitUntil { $0.contains(.disconnected(peer, .closedByPeer(reason: nil))) })
            echo.stop()
            await host.close()
        }

        /// A `poll(waitingUpTo:)` reads once the wait says a datagram is there, not before it
        /// too: reading first, every turn of an echo began with a read that found nothing (a
        /// `recvmmsg` answering EAGAIN), two reads a message where one does. Counted on both
        /// sockets over 50 echoes: one read a message, and a few for acknowledgements and
        /// keepalives that came on their own.
        @Test(arguments: addresses)
        func aWaitingPollReadsOnlyWhenTheSocketHasADatagram(address: String) async throws {
            let (host, echo, client, peer) = try await echoingGameThreadPair(on: address)
            #expect(echo.waitUntil { $0.contains(.connected(peer)) })
            func reads(_ session: NetSession) -> Int {
                session.gameThreadTransport?.socket.statistics.receiveCalls ?? 0
            }
            let (hostBefore, clientBefore) = (reads(host.session), reads(client.session))
            let echoes = 50
            for index in 0..<echoes {
                try client.send(Chat(text: "m\(index)"))
                client.flush()
                let seen = waitFor(client.poll(waitingUpTo:)) { $0.contains(.chat("m\(index)", from: .host)) }
                // Stop at the first echo missing, not after 50 waits of `patience` each.
                try #require(seen.contains(.chat("m\(index)", from: .host)))
            }
            let (hostReads, clientReads) = (reads(host.session) - hostBefore, reads(client.session) - clientBefore)
            #expect(hostReads >= echoes && hostReads <= echoes + 10, "host: \(hostReads) reads")
            #expect(clientReads >= echoes && clientReads <= echoes + 10, "client: \(clientReads) reads")
            echo.stop()
            await client.close()
            await host.close()
        }

        /// A game-thread client's `connect` and `close` drive the socket themselves and return
        /// the moment the handshake or the close is over, not at the end of the tick interval
        /// they wait in: each used to take one whole tick at least (5 ms by default, so a
        /// loopback connect 5.4 ms instead of 0.25). Here the interval is 60 s, which the
        /// broken wait would sit out; the handshake and the close need none of its ticks.
        @Test(arguments: addresses)
        func connectAndCloseEndWithoutWaitingForATick(address: String) async throws {
            let host = try await start(on: address, .networkThread)
            var slowTicks = NetOptions.loopbackTest(.gameThread)
            slowTicks.tickInterval = .seconds(60)
            let started = ContinuousClock.now
            let client = try await NetClient.connect(
                to: address, port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: slowTicks)
            #expect(client.isConnected)
            await client.close()
            #expect(ContinuousClock.now - started < Self.patience)
            await host.close()
        }

        /// `flush` sends, as `enet_host_flush` does, and reads nothing: a datagram that came in
        /// between the frame's `poll` and its `flush` waits for the next `poll`, and its
        /// acknowledgement for the next frame's sends. Reading it in `flush` made it due at
        /// once, in a packet of its own, after the reply had just left.
        @Test(arguments: addresses)
        func flushSendsWithoutReading(address: String) async throws {
            let (host, client, peer) = try await gameThreadHostWithAClient(on: address)
            try client.send(Chat(text: "first"))
            let first = waitFor(host.poll(waitingUpTo:)) { $0.contains(.chat("first", from: peer)) }
            #expect(first.contains(.chat("first", from: peer)))
            let before = try #require(host.statistics(for: peer))

            // The client's network thread sends at once: the datagram waits in the host's
            // socket while the host's game thread answers the first message.
            try client.send(Chat(text: "second"))
            try await Task.sleep(for: .milliseconds(100))
            try host.send(Chat(text: "reply"), to: .peer(peer))
            host.flush()
            let flushed = try #require(host.statistics(for: peer))
            #expect(flushed.messagesReceived == before.messagesReceived)
            // One packet: the reply, with the first message's acknowledgement in it.
            #expect(flushed.channels.totals.packetsSent == before.channels.totals.packetsSent + 1)

            let second = waitFor(host.poll(waitingUpTo:)) { $0.contains(.chat("second", from: peer)) }
            #expect(second.contains(.chat("second", from: peer)))
            let clientSaw = waitFor(client.poll(waitingUpTo:)) { $0.contains(.chat("reply", from: .host)) }
            #expect(clientSaw.contains(.chat("reply", from: .host)))

            await client.close()
            await host.close()
        }

        /// A `poll` that reads a message for the game and also finds a timer due sends no
        /// acknowledgement of its own: the game's answer carries it. The timer here is the
        /// host's keepalive (a protocol packet, not a channel payload), due after 250 ms of
        /// sending nothing. The question the host sent before is answered, and so acknowledged,
        /// by then: the poll reads the answer before it runs the timers, so nothing is resent.
        @Test(arguments: addresses)
        func aTimerDueAtThePollSendsNoAckAheadOfTheAnswer(address: String) async throws {
            let (host, client, peer) = try await gameThreadHostWithAClient(on: address)
            try host.send(Chat(text: "question"), to: .peer(peer))
            host.flush()
            let asked = waitFor(client.poll(waitingUpTo:)) { $0.contains(.chat("question", from: .host)) }
            #expect(asked.contains(.chat("question", from: .host)))
            try client.send(Chat(text: "answer"))
            try await Task.sleep(for: .milliseconds(300))
            let before = try #require(host.statistics(for: peer))
            let answered = waitFor(host.poll(waitingUpTo:)) { $0.contains(.chat("answer", from: peer)) }
            #expect(answered.contains(.chat("answer", from: peer)))
            let polled = try #require(host.statistics(for: peer))
            #expect(polled.channels.totals.packetsSent == before.channels.totals.packetsSent)
            #expect(polled.channels.totals.resentPieces == 0)

            try host.send(Chat(text: "thanks"), to: .peer(peer))
            host.flush()
            let flushed = try #require(host.statistics(for: peer))
            #expect(flushed.channels.totals.packetsSent == before.channels.totals.packetsSent + 1)

            await client.close()
            await host.close()
        }

        /// A game that only reads (it never sends or flushes) still acknowledges what it reads,
        /// even when every poll finds something new: the acknowledgements are held for the
        /// game's answer for one poll, not for as long as messages keep coming.
        @Test(arguments: addresses)
        func aGameThatOnlyReadsStillAcknowledges(address: String) async throws {
            let (host, client, peer) = try await gameThreadHostWithAClient(on: address)
            for index in 0..<4 {
                try client.send(Chat(text: "m\(index)"))
                // The client's network thread sends at once; the host's socket holds it.
                try await Task.sleep(for: .milliseconds(20))
                #expect(host.poll().map(SeenEvent.init).contains(.chat("m\(index)", from: peer)))
            }
            // Every second poll sends what the one before held: m0 to m2 are acknowledged.
            func acknowledged() -> Int { client.statistics?.channels.totals.packetsAcked ?? 0 }
            let deadline = ContinuousClock.now + Self.patience
            while acknowledged() < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(acknowledged() >= 3)

            await client.close()
            await host.close()
        }

        /// A game that polls and flushes every frame but sends nothing acknowledges at each
        /// flush what its poll held, also when the poll's tick held it (found by review: the
        /// tick had forgotten which peers were owed a flush, and every frame's tick held again).
        @Test(arguments: addresses)
        func aFlushWithNothingToSendStillAcknowledges(address: String) async throws {
            let (host, client, peer) = try await gameThreadHostWithAClient(on: address)
            let frames = 30
            var seen = 0
            for index in 0..<frames {
                try client.send(Chat(text: "m\(index)"))
                try await Task.sleep(for: .milliseconds(16))
                if host.poll().map(SeenEvent.init).contains(.chat("m\(index)", from: peer)) { seen += 1 }
                host.flush()
            }
            #expect(seen >= frames - 2)
            // Every payload the client sent carried a message (the host sends it nothing to
            // acknowledge), so all of them are acknowledged.
            func totals() -> ChannelStatistics.Totals? { client.statistics?.channels.totals }
            func allAcknowledged() -> Bool { totals().map { $0.packetsAcked == $0.packetsSent } ?? false }
            // The host's last flush sent the last acknowledgements: nothing more runs there.
            let deadline = ContinuousClock.now + Self.patience
            while !allAcknowledged(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(allAcknowledged())
            #expect((totals()?.packetsSent ?? 0) >= frames / 2)
            #expect(totals()?.resentPieces == 0)

            await client.close()
            await host.close()
        }

        @Test(arguments: addresses)
        func nothingIsReceivedBetweenServiceCalls(address: String) async throws {
            let (host, client, peer) = try await gameThreadHostWithAClient(on: address)
            let before = try #require(host.statistics(for: peer)).messagesReceived

            try client.send(Chat(text: "waiting on the socket"))
            // The client's network thread sends at once; the host's socket holds the datagram
            // until the host's game thread calls again.
            try await Task.sleep(for: .milliseconds(100))
            #expect(host.statistics(for: peer)?.messagesReceived == before)
            let seen = waitFor(host.poll(waitingUpTo:)) { $0.contains(.chat("waiting on the socket", from: peer)) }
            #expect(seen.contains(.chat("waiting on the socket", from: peer)))
            #expect(host.statistics(for: peer)?.messagesReceived == before + 1)

            await client.close()
            await host.close()
        }

        @Test(arguments: addresses)
        func aGameThreadHostClosesByItselfAndItsClientsHearWhy(address: String) async throws {
            let (host, client, _) = try await gameThreadHostWithAClient(on: address)
            // Nobody polls the host now: its close services the session itself, to the end.
            await host.close()
            let seen = waitFor(client.poll(waitingUpTo:)) { $0.contains(.disconnected(.host, .hostShutDown)) }
            #expect(seen.contains(.disconnected(.host, .hostShutDown)))
        }

        @Test(arguments: addresses)
        func waitingPollReturnsWithTheFirstEventOrEmptyAfterTheTimeout(address: String) async throws {
            let host = try await start(on: address, .networkThread)
            let client = try await connect(to: host, at: address, .networkThread)
            let peer = try #require(client.localPeer)
            let joined = waitFor(host.poll(waitingUpTo:)) { $0.contains(.connected(peer)) }
            #expect(joined.contains(.connected(peer)))
            #expect(host.poll(waitingUpTo: .milliseconds(20)).isEmpty)

            try client.send(Chat(text: "wake up"))
            // One call with a long wait: it returns with the message, not after ten seconds.
            let events = host.poll(waitingUpTo: Self.patience).map(SeenEvent.init)
            #expect(events == [.chat("wake up", from: peer)])

            await client.close()
            await host.close()
        }
    }
}

/// A game loop on its own thread, as a game's main loop would be: polls `host` (waiting up to
/// a few milliseconds each time), records every event and hands it to `handle`.
final class HostLoop: Sendable {
    private let seen = NIOLockedValueBox<[SeenEvent]>([])
    private let stopped = NIOLockedValueBox(false)
    private let done = ConditionLock(value: false)

    init(_ host: NetHost, handle: @escaping @Sendable (NetEvent, NetHost) -> Void) {
        let thread = Thread { [seen, stopped, done] in
            // Bounded: every test stops its loop, and a forgotten one stops with the minute.
            let deadline = ContinuousClock.now + .seconds(60)
            while !stopped.withLockedValue({ $0 }), ContinuousClock.now < deadline {
                for event in host.poll(waitingUpTo: .milliseconds(5)) {
                    seen.withLockedValue { $0.append(SeenEvent(event)) }
                    handle(event, host)
                }
            }
            done.lock()
            done.unlock(withValue: true)
        }
        thread.start()
    }

    /// Waits (real time, bounded) until the recorded events satisfy `condition`.
    func waitUntil(_ condition: ([SeenEvent]) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + APITests.GameThreadServicing.patience
        while ContinuousClock.now < deadline {
            if condition(seen.withLockedValue { $0 }) { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return false
    }

    /// A loop that sends every `Chat` back to its sender at once (and flushes it).
    static func echoingChats(_ host: NetHost) -> HostLoop {
        HostLoop(host) { event, host in
            guard case .message(let chat as Chat, let peer) = event else { return }
            try? host.send(chat, to: .peer(peer))
            host.flush()
        }
    }

    /// Stops the loop and waits until its last poll has returned.
    func stop() {
        stopped.withLockedValue { $0 = true }
        done.lock(whenValue: true)
        done.unlock()
    }
}
