import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayProtocol
@testable import NetplayTesting

extension APITests {
    /// Sessions ticked only at the deadlines they name, as the UDP driver ticks them
    /// (`SimulatedNetwork.Ticking.atDeadlines`): every kind of timer still fires, on time. A
    /// timer missing from `NetCore.nextDeadline` would never fire here.
    @Suite struct DeadlineDrivenTimers {
        /// A host and one connected client on a network ticked at deadlines.
        @Test func keepalivesHoldAnIdleConnectionWithAFewTicksASecond() throws {
            let net = SimulatedNetwork(seed: 11, ticking: .atDeadlines)
            let (host, hostLog, client, clientLog, peer) = try net.connectedPair(connectingWithin: .seconds(5))
            let ticksBefore = host.session.statistics.ticks
            // Ten idle seconds: ten times the interruption threshold, so only keepalives
            // (every 250 ms each way) keep either side from calling the other silent.
            net.run(for: .seconds(10))
            #expect(!hostLog.update().contains(.interrupted(peer)))
            #expect(!clientLog.update().contains(.interrupted(.host)))
            #expect(client.isConnected)
            #expect(host.peers == [peer])
            // A keepalive deadline every 250 ms (and the replies' acks), not a tick every 5 ms:
            // 2,000 ticks at the old fixed interval.
            let ticks = host.session.statistics.ticks - ticksBefore
            #expect(ticks >= 40 && ticks <= 200, "\(ticks) ticks in 10 s")
        }

        @Test func aSilentPeerIsInterruptedThenTimedOut() throws {
            var options = NetOptions()
            options.resumeGrace = .seconds(4)
            let net = SimulatedNetwork(seed: 12, ticking: .atDeadlines)
            let (host, hostLog, _, _, peer) = try net.connectedPair(options: options, connectingWithin: .seconds(5))
            let start = net.now
            net.crash(APISetup.clientAddress(0))
            #expect(net.run(until: { hostLog.update().contains(.interrupted(peer)) }, limit: .seconds(2)))
            #expect(net.now - start <= options.interruptAfter + net.tickInterval)
            #expect(net.run(until: { hostLog.disconnectReason(of: peer) != nil }, limit: .seconds(5)))
            #expect(hostLog.disconnectReason(of: peer) == .timedOut)
            #expect(net.now - start <= options.resumeGrace + net.tickInterval)
            withExtendedLifetime(host) {}
        }

        @Test func handshakeResendsGetThroughALossyLink() throws {
            let net = SimulatedNetwork(
                seed: 13, impairment: LinkImpairment(latency: .milliseconds(10), lossProbability: 0.5),
                ticking: .atDeadlines)
            _ = try net.connectedPair(connectingWithin: .seconds(5))
        }

        @Test func anUnansweredHandshakeGivesUpAtTheTimeout() throws {
            var options = NetOptions()
            options.timeout = .seconds(3)
            let net = SimulatedNetwork(seed: 14, ticking: .atDeadlines)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages, options: options)
            let clientLog = EventLog(client.poll)
            let start = net.now
            #expect(
                net.run(until: { clientLog.disconnectReason(of: .host) != nil }, limit: .seconds(4)))
            #expect(clientLog.disconnectReason(of: .host) == .hostUnreachable)
            #expect(net.now - start <= options.timeout + net.tickInterval)
        }

        @Test func reliableMessagesAreResentThroughLossAndFlushedByAGracefulClose() throws {
            var options = NetOptions()
            options.closeFlushTimeout = .seconds(5)
            let net = SimulatedNetwork(
                seed: 15, impairment: LinkImpairment(latency: .milliseconds(20), lossProbability: 0.2),
                ticking: .atDeadlines)
            let (_, hostLog, client, _, peer) = try net.connectedPair(options: options, connectingWithin: .seconds(5))
            for index in 0..<100 { try client.send(Chat(text: "\(index)")) }
            client.session.requestClose()
            #expect(net.run(until: { hostLog.disconnectReason(of: peer) != nil }, limit: .seconds(20)))
            let chats = hostLog.seen.compactMap {
                if case .chat(let text, _) = $0 { return Int(text) } else { return nil }
            }
            #expect(chats == Array(0..<100))
            #expect(hostLog.disconnectReason(of: peer) == .closedByPeer(reason: nil))
        }

        @Test func aCloseWhoseMessagesAreNeverAcknowledgedEndsAtTheFlushTimeout() throws {
            var options = NetOptions()
            options.closeFlushTimeout = .seconds(2)
            let net = SimulatedNetwork(seed: 16, ticking: .atDeadlines)
            // The client is kept: a dropped `NetClient` closes itself, and the host would
            // then have nobody left to wait for.
            let (host, _, client, _, _) = try net.connectedPair(options: options, connectingWithin: .seconds(5))
            net.setImpairment(
                from: APISetup.hostAddress, to: APISetup.clientAddress(0), LinkImpairment(lossProbability: 1))
            try host.send(Chat(text: "never acknowledged"))
            let start = net.now
            host.session.requestClose()
            #expect(net.run(until: { host.session.finished.value != nil }, limit: .seconds(3)))
            #expect(net.now - start >= options.closeFlushTimeout)
            #expect(net.now - start <= options.closeFlushTimeout + net.tickInterval)
            withExtendedLifetime(client) {}
        }

        /// Messages waiting behind a full channel move on when acknowledgements make room, not
        /// at the next timer tick, which comes at least a tick interval after the last: 40
        /// reliable 2 KiB messages through a channel that holds 8 KiB, over a 1 ms link. Each
        /// round trip (2 ms) frees room for the next messages. Retried only at timer ticks, all
        /// arrived after 70 ms of virtual time (measured in 5 ms steps); retried at the read
        /// burst that brings the acks, after 30 ms.
        @Test func aBacklogMovesAtTheReadBurstThatMakesRoom() throws {
            let net = SimulatedNetwork(
                seed: 3, impairment: LinkImpairment(latency: .milliseconds(1)), ticking: .atDeadlines)
            var options = NetOptions()
            options.channels.maxQueuedBytesPerChannel = 8 << 10
            let (_, hostLog, client, _, _) = try net.connectedPair(options: options, connectingWithin: .seconds(5))

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
