import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension APITests {
    /// A long read burst of reliable data is acknowledged on the way, every
    /// `NetSession.payloadsBeforeAnswering` payloads, not only at its end: the sender's
    /// reliable window opens while the receiver is still reading.
    @Suite struct BurstAnswers {
        @Test("a burst of 32 reliable packets is acknowledged every 8 as it is read")
        func aLongBurstIsAnsweredOnTheWay() throws {
            let net = SimulatedNetwork(
                seed: 21, impairment: LinkImpairment(latency: .milliseconds(2)), ticking: .atDeadlines)
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            let hostLog = EventLog(host.poll)
            #expect(net.run(until: { host.peers.count == 1 }, limit: .seconds(5)))
            let peer = try #require(host.peers.first)
            // A message of 1,000 bytes fills a packet of its own.
            let chat = Chat(text: String(repeating: "z", count: 1_000))
            let chats = { hostLog.update().filter { if case .chat = $0 { true } else { false } }.count }
            // Warm up: the congestion window grows from its first 10 packets, past 32.
            for _ in 0..<400 { try client.send(chat) }
            #expect(net.run(until: { chats() == 400 }, limit: .seconds(10)))
            net.run(for: .milliseconds(100))
            let window = client.session.core.withLock { $0.statistics(for: .host)?.channels.congestionWindowBytes }
            try #require((window ?? 0) >= 40 * 1_244, "window \(window ?? 0)")

            let totals = { host.session.core.withLock { $0.peers[peer]!.channels.statistics.totals } }
            let before = totals()
            for _ in 0..<32 { try client.send(chat) }
            // One client flush sends the 32 packets; they all arrive 2 ms later, in one burst.
            let arrived = { totals().packetsReceived - before.packetsReceived }
            #expect(net.run(until: { arrived() >= 32 }, limit: .milliseconds(3)))
            let after = totals()
            #expect(arrived() == 32)
            // Answered after the 8th, 16th, 24th and 32nd: four acknowledgements, where the
            // end of the burst alone sent one.
            #expect(after.packetsSent - before.packetsSent == 4)
            #expect(net.run(until: { chats() == 432 }, limit: .seconds(1)))
        }
    }
}
