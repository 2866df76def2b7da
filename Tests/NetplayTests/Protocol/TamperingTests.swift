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

@Suite("Protocol against spoofed, corrupted and replayed packets")
struct ProtocolTamperingTests {
    /// A connected pair and one sealed client→host payload packet not yet delivered.
    static func connectedWithPendingPacket() throws -> (
        net: ProtocolHarness, client: Int, peer: PeerID, packet: [UInt8]
    ) {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        try net.clients[client].send(payload: Array("hello host".utf8))
        let packet = try #require(net.clients[client].outgoingForTests.first).bytes
        _ = net.clients[client].drainOutgoing()
        return (net, client, peer, packet)
    }

    /// Proves the connection still carries payloads both ways.
    static func expectHealthy(_ net: inout ProtocolHarness, client: Int, peer: PeerID) throws {
        try net.clients[client].send(payload: [42])
        try net.host.send(payload: [43], to: peer)
        net.deliver()
        #expect(net.hostPayloads(from: peer).last == [42])
        #expect(net.clientPayloads(client).last == [43])
        #expect(net.clients[client].isConnected && net.host.connectedPeers == [peer])
    }

    @Test("a packet captured and resent from another address is a replay, and never moves the session")
    func replayedFromAnotherAddress() throws {
        var (net, client, peer, packet) = try Self.connectedWithPendingPacket()
        let clientAddress = TestSetup.clientAddress(client)
        net.host.receive(packet, from: clientAddress, now: net.now)
        _ = net.host.drainEvents()
        net.host.receive(packet, from: .memory(node: 666, port: 5000), now: net.now)
        #expect(net.host.drops[.replayed] == 1 && net.host.drops.total == 1)
        #expect(net.host.drainEvents().isEmpty && net.host.drainOutgoing().isEmpty)
        #expect(net.host.address(of: peer) == clientAddress)
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("a captured packet that beats the original from another address is challenged there, and the session stays")
    func racedFromAnotherAddress() throws {
        var (net, client, peer, packet) = try Self.connectedWithPendingPacket()
        let clientAddress = TestSetup.clientAddress(client)
        let attacker = PeerAddress.memory(node: 666, port: 5000)
        net.host.receive(packet, from: attacker, now: net.now)
        // Authentic and fresh, so its payload counts once; the only reply is a small challenge
        // to the attacker's address, within 3x of what it sent; nothing else goes there.
        #expect(net.host.drainEvents() == [.payload(peer, Array("hello host".utf8), sequence: 1)])
        let sent = net.host.drainOutgoing()
        #expect(sent.map(\.address) == [attacker])
        #expect(sent.allSatisfy { $0.bytes.count <= 3 * packet.count })
        // The original arrives late: a replay. The attacker cannot answer the challenge.
        net.host.receive(packet, from: clientAddress, now: net.now)
        #expect(net.host.drops[.replayed] == 1 && net.host.drainEvents().isEmpty)
        net.advance(.seconds(11))
        #expect(net.host.address(of: peer) == clientAddress)
        // Resent while the budget lasted, never beyond it, then abandoned.
        let toAttacker = (sent + net.hostSent.filter { $0.address == attacker }).reduce(0) { $0 + $1.bytes.count }
        #expect(toAttacker <= 3 * packet.count)
        #expect(net.host.peers[peer]?.pathProbe == nil)
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("flipping any single bit of a sealed packet gets it dropped, counted once, without harm")
    func everyBitFlipIsDropped() throws {
        var (net, client, peer, packet) = try Self.connectedWithPendingPacket()
        let address = TestSetup.clientAddress(client)
        for bit in 0..<(packet.count * 8) {
            var flipped = packet
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            let before = net.host.drops.total
            net.host.receive(flipped, from: address, now: net.now)
            #expect(net.host.drops.total == before + 1, "bit \(bit)")
        }
        #expect(net.host.drainEvents().isEmpty)
        #expect(net.host.drops[.badMAC] > 0 && net.host.drops[.unknownPeer] > 0)
        // The original still opens: no flipped copy moved the replay window.
        net.host.receive(packet, from: address, now: net.now)
        #expect(net.host.drainEvents() == [.payload(peer, Array("hello host".utf8), sequence: 1)])
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("flipping any bit of a host→client packet is dropped by the client too")
    func clientDropsFlippedPackets() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        try net.host.send(payload: [7, 7, 7], to: peer)
        let packet = try #require(net.host.outgoing.first).bytes
        _ = net.host.drainOutgoing()
        for bit in 0..<(packet.count * 8) {
            var flipped = packet
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            let before = net.clients[client].drops.total
            net.clients[client].receive(flipped, from: TestSetup.hostAddress, now: net.now)
            #expect(net.clients[client].drops.total == before + 1, "bit \(bit)")
        }
        #expect(net.clients[client].drainEvents().isEmpty)
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("a replayed packet is delivered once and then dropped as replayed")
    func replayedPacket() throws {
        var (net, client, peer, packet) = try Self.connectedWithPendingPacket()
        let address = TestSetup.clientAddress(client)
        for _ in 0..<3 { net.host.receive(packet, from: address, now: net.now) }
        #expect(net.host.drainEvents().count == 1)
        #expect(net.host.drops[.replayed] == 2 && net.host.drops.total == 2)
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("a packet for an unknown session is dropped as unknownPeer")
    func unknownSession() throws {
        var (net, client, peer, packet) = try Self.connectedWithPendingPacket()
        var forged = packet
        let other = peer.rawValue &+ 1
        for index in 0..<4 { forged[1 + index] = UInt8(truncatingIfNeeded: other >> (8 * UInt32(index))) }
        net.host.receive(forged, from: TestSetup.clientAddress(client), now: net.now)
        #expect(net.host.drops[.unknownPeer] == 1 && net.host.drops.total == 1)
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("a tampered cookie is badCookie; a late one is staleCookie")
    func cookieChecks() throws {
        var host = HostEndpoint(config: TestSetup.config(), random: .seeded(3))
        var client = ClientEndpoint(
            config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(4))
        let address = TestSetup.clientAddress(0)
        let hello = client.drainOutgoing()
        host.receive(try #require(hello.first).bytes, from: address, now: .zero)
        let challenge = host.drainOutgoing()
        client.receive(try #require(challenge.first).bytes, from: TestSetup.hostAddress, now: .zero)
        let responses = client.drainOutgoing()
        let response = try #require(responses.first).bytes
        var tampered = response
        tampered[81] ^= 1  // first cookie byte
        host.receive(tampered, from: address, now: .zero)
        host.receive(response, from: .memory(node: 999, port: 1), now: .zero)  // cookie bound to the address
        #expect(host.drops[.badCookie] == 2)
        host.receive(response, from: address, now: .zero + .seconds(11))
        #expect(host.drops[.staleCookie] == 1)
        #expect(host.drops.total == 3 && host.peerCount == 0 && host.drainOutgoing().isEmpty)
    }

    @Test("100,000 seeded garbage datagrams never trap and are all dropped; the connection survives")
    func garbageNeverTraps() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        var garbage = SeededGenerator(seed: 0x6A7B)
        let count = 100_000
        let hostDropsBefore = net.host.drops.total
        for round in 0..<count {
            // Mostly short; some around the padded sizes; a valid type byte half the time, so
            // parsing goes past the first byte.
            let length = round.isMultiple(of: 50) ? Int(garbage.next() % 1_400) : Int(garbage.next() % 120)
            var bytes = garbage.bytes(length)
            if !bytes.isEmpty, garbage.chance(0.5) { bytes[0] = UInt8(1 + garbage.next() % 6) }
            if round.isMultiple(of: 2) {
                net.host.receive(bytes, from: TestSetup.clientAddress(round % 3), now: net.now)
            } else {
                net.clients[client].receive(bytes, from: TestSetup.hostAddress, now: net.now)
            }
        }
        #expect(net.host.drops.total - hostDropsBefore == count / 2)
        #expect(net.clients[client].drops.total == count / 2)
        #expect(net.host.drainOutgoing().isEmpty)
        try Self.expectHealthy(&net, client: client, peer: peer)
    }

    @Test("20,000 randomly mutated handshake packets never trap either endpoint")
    func mutatedHandshakePacketsNeverTrap() throws {
        var net = ProtocolHarness(host: TestSetup.config(joinCode: "PLUM-42"))
        let (client, peer) = try net.connected(TestSetup.config(joinCode: "PLUM-42"))
        let samples = (net.clientSent + net.hostSent).map(\.bytes)
        var mutator = SeededGenerator(seed: 0x3A7)
        for round in 0..<20_000 {
            var bytes = samples[Int(mutator.next() % UInt64(samples.count))]
            for _ in 0..<(1 + mutator.next() % 4) where !bytes.isEmpty {
                bytes[Int(mutator.next() % UInt64(bytes.count))] ^= UInt8(truncatingIfNeeded: 1 | mutator.next())
            }
            if mutator.chance(0.2) { bytes = Array(bytes.prefix(Int(mutator.next() % UInt64(bytes.count + 1)))) }
            let from = TestSetup.clientAddress(round % 4 == 0 ? client : 50 + round % 7)
            net.host.receive(bytes, from: from, now: net.now)
            net.clients[client].receive(bytes, from: TestSetup.hostAddress, now: net.now)
        }
        _ = net.host.drainOutgoing()
        #expect(net.clients[client].isConnected && net.host.connectedPeers == [peer])
        try Self.expectHealthy(&net, client: client, peer: peer)
    }
}
