import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension APITests {
    /// Messages waiting behind a full channel move on when acknowledgements make room, not at
    /// the next timer tick, which comes at least a tick interval after the last.
    @Suite struct BacklogRetry {
        /// 40 reliable 2 KiB messages through a channel that holds 8 KiB, over a 1 ms link,
        /// ticked as the UDP driver ticks (read bursts answered at once, timer ticks 5 ms apart).
        /// Each round trip (2 ms) frees room for the next messages. Retried only at timer ticks,
        /// all arrived after 70 ms of virtual time (measured in 5 ms steps); retried at the read
        /// burst that brings the acks, after 30 ms.
        @Test func aBacklogMovesAtTheReadBurstThatMakesRoom() throws {
            let net = SimulatedNetwork(
                seed: 3, impairment: LinkImpairment(latency: .milliseconds(1)), ticking: .atDeadlines)
            var options = NetOptions()
            options.channels.maxQueuedBytesPerChannel = 8 << 10
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: options)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages, options: options)
            let hostLog = EventLog(host.poll)
            let clientLog = EventLog(client.poll)
            #expect(net.run(until: { clientLog.update().contains(.connected(.host)) }, limit: .seconds(2)))
            let peer = try #require(client.localPeer)
            #expect(net.run(until: { hostLog.update().contains(.connected(peer)) }, limit: .seconds(1)))

            let count = 40
            let start = net.elapsed
            for index in 0..<count {
                try client.send(Chat(text: String(repeating: Character(String(index % 10)), count: 2_048)))
            }
            let arrived = { hostLog.update().filter { if case .chat = $0 { true } else { false } }.count }
            #expect(net.run(until: { arrived() == count }, limit: .seconds(2)))
            let took = net.elapsed - start
            print("backlog of \(count) messages delivered in \(took)")
            #expect(took <= .milliseconds(50), "took \(took)")
        }
    }
}
