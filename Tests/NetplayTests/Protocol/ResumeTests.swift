import Testing

@testable import NetplayBase
@testable import NetplayProtocol

/// Players who drop come back (issue 16), at the protocol level, in virtual time: outages
/// shorter than the resume grace interrupt a session and resume it; a client's new address is
/// followed only after a path challenge answered from there; a paused host forgives the
/// silence that was its own.
@Suite("Protocol resume: outages, address changes, paused processes")
struct ProtocolResumeTests {
    /// Payload exchange both ways, checked on arrival.
    static func expectTraffic(_ net: inout ProtocolHarness, client: Int, peer: PeerID, tag: UInt8) throws {
        try net.clients[client].send(payload: [tag])
        try net.host.send(payload: [tag &+ 1], to: peer)
        net.deliver()
        #expect(net.hostPayloads(from: peer).last == [tag])
        #expect(net.clientPayloads(client).last == [tag &+ 1])
    }

    @Test(
        "an outage shorter than the grace interrupts (if over a second) and resumes the same session on both sides",
        arguments: [0.5, 5, 25])
    func outageResumes(seconds: Double) throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        try Self.expectTraffic(&net, client: client, peer: peer, tag: 1)
        net.clientToHostLoss = 1
        net.hostToClientLoss = 1
        net.advance(.milliseconds(Int(seconds * 1000)))
        net.clientToHostLoss = 0
        net.hostToClientLoss = 0
        let back = net.now
        // Keepalives go every 250 ms, so each side hears the other within one interval.
        #expect(
            net.run(maxSteps: 100) {
                $0.host.peers[peer]?.connection.isInterrupted == false
                    && $0.clientConnection(client)?.isInterrupted == false
            })
        #expect(net.now - back <= net.host.config.keepaliveInterval + ProtocolHarness.stepLength)
        let interrupted = seconds >= 1
        #expect(net.hostEvents.filter { $0 == .interrupted(peer) }.count == (interrupted ? 1 : 0))
        #expect(net.hostEvents.filter { $0 == .resumed(peer) }.count == (interrupted ? 1 : 0))
        #expect(net.clientEvents[client].filter { $0 == .interrupted }.count == (interrupted ? 1 : 0))
        #expect(net.clientEvents[client].filter { $0 == .resumed }.count == (interrupted ? 1 : 0))
        // Same seat, same id, nobody disconnected.
        #expect(net.host.connectedPeers == [peer] && net.clients[client].peerID == peer)
        #expect(net.hostDisconnectReason(peer) == nil && net.clientDisconnectReason(client) == nil)
        try Self.expectTraffic(&net, client: client, peer: peer, tag: 10)
    }

    @Test("a client whose address changes is followed once it answers a challenge from the new address")
    func addressChangeIsValidated() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        let old = TestSetup.clientAddress(client)
        let new = PeerAddress.memory(node: 777, port: 6000)
        net.movedClients[client] = new
        let sentBefore = net.hostSent.count
        try net.clients[client].send(payload: [5])
        net.deliver()
        // The payload counts at once; the session moved after challenge and answer.
        #expect(net.hostPayloads(from: peer).last == [5])
        #expect(net.host.address(of: peer) == new)
        #expect(net.hostEvents.contains(.addressChanged(peer, new)))
        let toNew = net.hostSent[sentBefore...].filter { $0.address == new }
        #expect(toNew.count == 1, "one challenge before validation")
        #expect(net.host.peers[peer]?.source == new.source)
        // Everything now goes to the new address, nothing to the old one.
        let sentAfter = net.hostSent.count
        try Self.expectTraffic(&net, client: client, peer: peer, tag: 20)
        #expect(net.hostSent[sentAfter...].allSatisfy { $0.address == new })
        #expect(!net.hostSent[sentAfter...].contains { $0.address == old })
        #expect(net.hostDisconnectReason(peer) == nil)
    }

    @Test("before validation a new address gets at most 3x the bytes it sent")
    func unvalidatedAddressIsBudgeted() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        let new = PeerAddress.memory(node: 778, port: 6000)
        try net.clients[client].send(payload: [7])
        let packet = try #require(net.clients[client].drainOutgoing().first).bytes
        // Only this packet ever arrives from the new address; the answer never comes back.
        net.host.receive(packet, from: new, now: net.now)
        for _ in 0..<1_200 {
            net.now = net.now + ProtocolHarness.stepLength
            net.host.update(now: net.now)
            net.hostSent += net.host.drainOutgoing()
        }
        let bytesToNew = net.hostSent.filter { $0.address == new }.reduce(0) { $0 + $1.bytes.count }
        print("unvalidated address: received \(packet.count) bytes, sent \(bytesToNew) bytes back")
        #expect(bytesToNew > 0 && bytesToNew <= 3 * packet.count)
        #expect(net.host.address(of: peer) == TestSetup.clientAddress(client))
    }

    @Test("a pending peer never moves: its first packet must come from the handshake's address")
    func pendingPeerDoesNotMove() {
        let config = TestSetup.config()
        var host = HostEndpoint(config: config, random: .seeded(11))
        var client = ClientEndpoint(config: config, host: TestSetup.hostAddress, now: .zero, random: .seeded(20))
        func toHost(from address: PeerAddress) {
            for datagram in client.drainOutgoing() { host.receive(datagram.bytes, from: address, now: .zero) }
        }
        func toClient() {
            for datagram in host.drainOutgoing() {
                client.receive(datagram.bytes, from: TestSetup.hostAddress, now: .zero)
            }
        }
        toHost(from: TestSetup.clientAddress(0))  // hello
        toClient()  // challenge
        toHost(from: TestSetup.clientAddress(0))  // response
        toClient()  // accepted: the client sends its first keepalive, awaiting the host's answer
        #expect(client.awaitingConfirmation && host.pendingCount == 1)
        toHost(from: .memory(node: 779, port: 1))
        #expect(host.drops[.wrongAddress] == 1 && host.pendingCount == 1)
        #expect(host.drainEvents().isEmpty && host.drainOutgoing().isEmpty)
    }

    @Test(
        "a client the host forgot before confirming it starts over and gets in, instead of believing in a dead session")
    func forgottenClientStartsOver() {
        let config = TestSetup.config()
        var host = HostEndpoint(config: config, random: .seeded(12))
        var client = ClientEndpoint(config: config, host: TestSetup.hostAddress, now: .zero, random: .seeded(21))
        let address = TestSetup.clientAddress(0)
        var now = NetInstant.zero
        func exchange(rounds: Int, losingClientPackets: Bool = false) {
            for _ in 0..<rounds {
                for datagram in client.drainOutgoing() where !losingClientPackets {
                    host.receive(datagram.bytes, from: address, now: now)
                }
                for datagram in host.drainOutgoing() {
                    client.receive(datagram.bytes, from: TestSetup.hostAddress, now: now)
                }
            }
        }
        client.update(now: now)
        exchange(rounds: 2)  // hello, challenge, response, accepted
        #expect(client.awaitingConfirmation && host.pendingCount == 1)
        // Every keepalive of the client is lost until the host forgets its pending seat.
        while now < .zero + config.pendingTimeout {
            now = now + .milliseconds(10)
            host.update(now: now)
            client.update(now: now)
            exchange(rounds: 1, losingClientPackets: true)
        }
        #expect(host.peerCount == 0, "the host forgot the pending peer")
        #expect(!client.isConnected, "the client never told its game it was in")
        // The client started over with a fresh hello; this time it gets in.
        for _ in 0..<60 where !client.isConnected {
            now = now + .milliseconds(10)
            host.update(now: now)
            client.update(now: now)
            exchange(rounds: 4)
        }
        #expect(client.isConnected && host.confirmedCount == 1)
        let events = client.drainEvents()
        #expect(events.count { if case .connected = $0 { true } else { false } } == 1)
        #expect(host.drainEvents().count { if case .connected = $0 { true } else { false } } == 1)
    }

    @Test("a host paused for 15 s forgives its own silence; the client sees interrupted, then resumed")
    func pausedHostCarriesOn() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        net.hostPaused = true
        net.advance(.seconds(15))
        net.hostPaused = false
        let back = net.now
        #expect(net.run(maxSteps: 100) { $0.clientEvents[client].contains(.resumed) })
        #expect(net.now - back <= .milliseconds(50))
        #expect(net.clientEvents[client].filter { $0 == .interrupted }.count == 1)
        // The paused side reports nothing: the silence was its own.
        #expect(!net.hostEvents.contains(.interrupted(peer)))
        #expect(net.hostDisconnectReason(peer) == nil && net.clientDisconnectReason(client) == nil)
        try Self.expectTraffic(&net, client: client, peer: peer, tag: 30)
    }

    @Test("a paused client forgives its own silence; the host sees interrupted, then resumed")
    func pausedClientCarriesOn() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        // The client neither runs nor reads for 15 s; the host goes on.
        var paused = net.clients[client]
        for _ in 0..<1_500 {
            net.now = net.now + ProtocolHarness.stepLength
            net.host.update(now: net.now)
            net.hostSent += net.host.drainOutgoing()
            net.hostEvents += net.host.drainEvents()
        }
        paused.update(now: net.now)
        #expect(!paused.drainEvents().contains(.interrupted), "the pause was the client's own")
        net.clients[client] = paused
        #expect(net.run(maxSteps: 100) { $0.hostEvents.contains(.resumed(peer)) })
        #expect(net.hostEvents.filter { $0 == .interrupted(peer) }.count == 1)
        #expect(net.hostDisconnectReason(peer) == nil && net.clientDisconnectReason(client) == nil)
        try Self.expectTraffic(&net, client: client, peer: peer, tag: 40)
    }
}

extension ProtocolHarness {
    /// The client's connection, once connected.
    func clientConnection(_ index: Int) -> Connection? {
        if case .connected(let connection) = clients[index].state { return connection }
        return nil
    }
}
