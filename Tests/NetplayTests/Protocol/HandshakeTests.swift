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

@Suite("Protocol handshake")
struct ProtocolHandshakeTests {
    @Test("handshake completes with 30% loss both ways", arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func handshakeSurvivesLoss(seed: UInt64) {
        var net = ProtocolHarness(seed: seed)
        net.clientToHostLoss = 0.3
        net.hostToClientLoss = 0.3
        let client = net.addClient()
        // Well within the 10 s handshake timeout even with several lost rounds.
        let connected = net.run(maxSteps: 900) { $0.clients[client].isConnected && $0.host.pendingCount == 0 }
        #expect(connected)
        #expect(net.host.peerCount == 1)
        #expect(net.host.connectedPeers == [net.clients[client].peerID].compactMap { $0 })
    }

    @Test("payloads round-trip byte for byte, with the sequence number of their packet")
    func payloadRoundTrip() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        let toHost: [UInt8] = Array(0...255) + [0, 0, 1]
        let sequence = try net.clients[client].send(payload: toHost)
        let toClient = [UInt8](repeating: 0xA5, count: net.host.config.maxPayloadBytes)
        let hostSequence = try net.host.send(payload: toClient, to: peer)
        try net.host.send(payload: [], to: peer)
        net.deliver()
        #expect(net.hostPayloads(from: peer) == [toHost])
        #expect(net.clientPayloads(client) == [toClient, []])
        #expect(net.hostEvents.contains(.payload(peer, toHost, sequence: sequence)))
        #expect(net.clientEvents[client].contains(.payload(toClient, sequence: hostSequence)))
        #expect(net.host.drops.total == 0 && net.clients[client].drops.total == 0)
    }

    @Test("sequence numbers count up per packet, keepalives included")
    func sequencesCountUp() throws {
        var net = ProtocolHarness()
        let (client, _) = try net.connected()
        let first = try net.clients[client].send(payload: [1])
        let second = try net.clients[client].send(payload: [2])
        #expect(second == first + 1)
    }

    @Test("oversized payloads and unknown peers are refused with a typed error")
    func sendErrors() throws {
        var net = ProtocolHarness()
        let (client, _) = try net.connected()
        let limit = net.host.config.maxPayloadBytes
        #expect(throws: SendError.payloadTooLarge(bytes: limit + 1, limit: limit)) {
            try net.clients[client].send(payload: [UInt8](repeating: 0, count: limit + 1))
        }
        #expect(throws: SendError.unknownPeer(PeerID(rawValue: 0))) {
            try net.host.send(payload: [1], to: PeerID(rawValue: 0))
        }
        var pending = ClientEndpoint(
            config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(9))
        #expect(throws: SendError.notConnected) { try pending.send(payload: [1]) }
    }

    @Test("the right join code gets in")
    func rightJoinCodeConnects() {
        var net = ProtocolHarness(host: TestSetup.config(joinCode: "PLUM-42"))
        #expect(net.connectClient(TestSetup.config(joinCode: "PLUM-42")) != nil)
    }

    @Test("1,000 connect/disconnect cycles leave the host's peer and pending tables empty")
    func connectDisconnectCycles() {
        var net = ProtocolHarness()
        var connects = 0
        for cycle in 0..<1_000 {
            guard let (client, _) = net.connectClient() else { break }
            connects += 1
            if cycle.isMultiple(of: 2) {
                net.clients[client].disconnect(reason: "cycle \(cycle)")
            } else if let peer = net.clients[client].peerID {
                net.host.disconnect(peer)
            }
            net.deliver()
        }
        #expect(connects == 1_000)
        #expect(net.host.peerCount == 0)
        #expect(net.host.pendingCount == 0)
        #expect(net.host.peerByAddress.isEmpty)
        // The only drops: the spare copies of each client's disconnect, arriving after the first.
        let spares = 500 * (Connection.disconnectRedundancy - 1)
        #expect(net.host.drops[.unknownPeer] == spares && net.host.drops.total == spares)
    }

    @Test("a retransmitted response gets the same accepted packet again")
    func duplicateResponseIsIdempotent() throws {
        var net = ProtocolHarness()
        let (client, _) = try net.connected()
        let response = try #require(net.clientSent.last { $0.bytes.first == PacketType.response.rawValue })
        let accepted = try #require(net.hostSent.last { $0.bytes.first == PacketType.accepted.rawValue })
        net.host.receive(response.bytes, from: TestSetup.clientAddress(client), now: net.now)
        #expect(net.host.drainOutgoing() == [accepted])
        #expect(net.host.peerCount == 1)
    }
}
