import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension APITests {
    /// A peer that has exchanged no message holds no channel state (see `PeerTable`): on a
    /// host with many idle connections that state was most of what each one cost. The first
    /// message either way gives it, and nothing else about the connection changes.
    @Suite struct QuietPeers {
        @Test("peers stay quiet until their first message, then carry messages both ways as ever")
        func peersGetChannelStateWithTheirFirstMessage() throws {
            let net = SimulatedNetwork(seed: 31, impairment: LinkImpairment(latency: .milliseconds(3)))
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let clients = try (0..<2).map { index in
                try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages)
            }
            let hostLog = EventLog(host.poll)
            let clientLogs = clients.map { client in EventLog(client.poll) }
            #expect(net.run(until: { clientLogs.allSatisfy { $0.contains(.connected(.host)) } }, limit: .seconds(2)))
            let peers = try clients.map { try #require($0.localPeer) }
            // Two seconds idle: keepalives only, both ways.
            net.run(for: .seconds(2))
            let quietOnHost = { (peer: NetPeer) in host.session.core.withLock { $0.peers.isQuiet(peer) } }
            let hostQuietOnClient = { (client: NetClient) in client.session.core.withLock { $0.peers.isQuiet(.host) } }
            #expect(peers.allSatisfy(quietOnHost))
            #expect(clients.allSatisfy(hostQuietOnClient))
            #expect(host.peers == peers.sorted { $0.id.rawValue < $1.id.rawValue })
            let quietStatistics = host.session.core.withLock { $0.statistics(for: peers[0]) }
            #expect(quietStatistics?.messagesReceived == 0 && quietStatistics?.channels.totals.packetsReceived == 0)

            // The first client speaks: its peer on the host, and the host on that client, get state.
            try clients[0].send(Chat(text: "first"))
            #expect(net.run(until: { hostLog.contains(.chat("first", from: peers[0])) }, limit: .seconds(1)))
            #expect(!quietOnHost(peers[0]) && quietOnHost(peers[1]))
            #expect(!hostQuietOnClient(clients[0]) && hostQuietOnClient(clients[1]))

            // The host speaks to the second, which answers: every message arrives, in order.
            for index in 0..<3 { try host.send(Chat(text: "to second \(index)"), to: .peer(peers[1])) }
            #expect(
                net.run(
                    until: { (0..<3).allSatisfy { clientLogs[1].contains(.chat("to second \($0)", from: .host)) } },
                    limit: .seconds(1)))
            try clients[1].send(Chat(text: "reply"))
            #expect(net.run(until: { hostLog.contains(.chat("reply", from: peers[1])) }, limit: .seconds(1)))
            #expect(peers.allSatisfy { !quietOnHost($0) })
            #expect(
                clientLogs[1].seen.filter { if case .chat = $0 { true } else { false } }
                    == (0..<3).map { .chat("to second \($0)", from: .host) })
            #expect(host.session.core.withLock { $0.statistics(for: peers[1])?.messagesSent } == 3)
        }

        @Test("a quiet peer's link drops and returns: interrupted, resumed, kept alive, then a message flows")
        func aQuietPeerResumes() throws {
            // Ticks at the core's deadlines only: a timer the resume failed to bring forward
            // is missed here, not covered by a tick every 5 ms.
            let net = SimulatedNetwork(seed: 33, ticking: .atDeadlines)
            let (host, hostLog, client, clientLog, peer) = try net.connectedPair()
            let down = LinkImpairment(lossProbability: 1)
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, down)
            net.setImpairment(from: APISetup.hostAddress, to: APISetup.clientAddress(0), down)
            #expect(net.run(until: { hostLog.contains(.interrupted(peer)) }, limit: .seconds(3)))
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, nil)
            net.setImpairment(from: APISetup.hostAddress, to: APISetup.clientAddress(0), nil)
            #expect(net.run(until: { hostLog.contains(.resumed(peer)) }, limit: .seconds(2)))
            #expect(host.session.core.withLock { $0.peers.isQuiet(peer) && $0.peers.isInterrupted(peer) == false })
            // Ten idle seconds after the resume: keepalives both ways, no new interruption.
            let seenBefore = (host: hostLog.update().count, client: clientLog.update().count)
            net.run(for: .seconds(10))
            #expect(hostLog.update().dropFirst(seenBefore.host).isEmpty)
            #expect(!clientLog.update().dropFirst(seenBefore.client).contains(.interrupted(.host)))
            #expect(client.statistics?.messagesReceived == 0)
            try client.send(Chat(text: "back"))
            #expect(net.run(until: { hostLog.contains(.chat("back", from: peer)) }, limit: .seconds(1)))
            #expect(!host.session.core.withLock { $0.peers.isQuiet(peer) })
        }

        @Test("a quiet peer that falls silent is reported interrupted, then timed out, as any other")
        func aQuietPeerStillTimesOut() throws {
            let net = SimulatedNetwork(seed: 32, impairment: LinkImpairment(latency: .milliseconds(3)))
            let (host, hostLog, _, _, peer) = try net.connectedPair()
            #expect(host.session.core.withLock { $0.peers.isQuiet(peer) })
            // The client's machine drops off the network without a word.
            let unplugged = LinkImpairment(lossProbability: 1)
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, unplugged)
            #expect(net.run(until: { hostLog.disconnectReason(of: peer) != nil }, limit: .seconds(30)))
            #expect(hostLog.seen.contains(.interrupted(peer)))
            #expect(hostLog.disconnectReason(of: peer) == .timedOut)
            #expect(host.peers.isEmpty)
        }
    }
}
