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

    @Test("a retransmitted response gets the same accepted while the peer is pending, nothing once it confirmed")
    func duplicateResponseIsIdempotent() throws {
        var host = HostEndpoint(config: TestSetup.config(), random: .seeded(1))
        var client = ClientEndpoint(
            config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(2))
        let address = TestSetup.clientAddress(0)
        let now = NetInstant.zero
        func toHost(_ expected: PacketType) throws -> [UInt8] {
            client.update(now: now)
            let sent = client.drainOutgoing().map(\.bytes)
            let packet = try #require(sent.last { $0.first == expected.rawValue })
            host.receive(packet, from: address, now: now)
            return packet
        }
        func toClient(_ expected: PacketType) throws -> [UInt8] {
            let packet = try #require(host.drainOutgoing().last { $0.bytes.first == expected.rawValue }).bytes
            client.receive(packet, from: TestSetup.hostAddress, now: now)
            return packet
        }
        _ = try toHost(.hello)
        _ = try toClient(.challenge)
        let response = try toHost(.response)
        // The `accepted` is lost: the client resends its response, and gets the same answer.
        let accepted = try #require(host.drainOutgoing().last { $0.bytes.first == PacketType.accepted.rawValue })
        host.receive(response, from: address, now: now)
        #expect(host.drainOutgoing() == [accepted])
        #expect(host.pendingCount == 1)

        // Confirmed, the host has forgotten the handshake (its client has `accepted`): a stale
        // copy of the response is a spent cookie, and the session stays.
        client.receive(accepted.bytes, from: TestSetup.hostAddress, now: now)
        _ = try toHost(.connected)
        #expect(host.confirmedCount == 1)
        _ = host.drainOutgoing()
        _ = host.drainEvents()
        let usedBefore = host.drops[.usedCookie]
        host.receive(response, from: address, now: now)
        #expect(host.drainOutgoing().isEmpty)
        #expect(host.drops[.usedCookie] == usedBefore + 1)
        #expect(host.confirmedCount == 1 && host.drainEvents().isEmpty)
    }
}
