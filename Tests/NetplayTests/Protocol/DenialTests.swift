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

@Suite("Protocol denials and disconnect reasons")
struct ProtocolDenialTests {
    @Test("a full host denies with hostFull")
    func hostFull() throws {
        var net = ProtocolHarness(host: TestSetup.config(maxPeers: 2))
        _ = try net.connected()
        _ = try net.connected()
        let third = net.addClient()
        #expect(net.run { $0.clientDisconnectReason(third) != nil })
        #expect(net.clientDisconnectReason(third) == .hostFull)
        #expect(net.host.peerCount == 2)
    }

    @Test("another protocol version is denied with both versions")
    func versionMismatch() {
        var net = ProtocolHarness()
        let client = net.addClient(TestSetup.config(version: 7))
        #expect(net.run { $0.clientDisconnectReason(client) != nil })
        #expect(net.clientDisconnectReason(client) == .versionMismatch(local: 7, remote: 1))
        #expect(net.host.peerCount == 0)
    }

    @Test("another schema is denied with both descriptions")
    func schemaMismatch() {
        var net = ProtocolHarness()
        let other = SchemaIdentity(fingerprint: Array(repeating: 9, count: 16), description: "Move{x:Double}")
        let client = net.addClient(TestSetup.config(schema: other))
        #expect(net.run { $0.clientDisconnectReason(client) != nil })
        #expect(
            net.clientDisconnectReason(client)
                == .schemaMismatch("host: Move{x:Float,y:Float}; this game: Move{x:Double}"))
    }

    @Test(
        "a wrong join code is denied, and the code never appears on the wire", arguments: [nil, "PLUM-41"] as [String?])
    func wrongJoinCode(clientCode: String?) {
        var net = ProtocolHarness(host: TestSetup.config(joinCode: "PLUM-42"))
        let client = net.addClient(TestSetup.config(joinCode: clientCode))
        #expect(net.run { $0.clientDisconnectReason(client) != nil })
        // A client that gave no code learns the game needs one; one that gave another, that it is wrong.
        #expect(net.clientDisconnectReason(client) == (clientCode == nil ? .joinCodeRequired : .wrongJoinCode))
        let code = Array("PLUM-4".utf8)
        let wire = (net.clientSent + net.hostSent).map(\.bytes)
        #expect(!wire.contains { bytes in bytes.indices.contains { Array(bytes[$0...].prefix(code.count)) == code } })
    }

    @Test("a client of another game is told which game runs here, in fewer bytes than it sent")
    func wrongGame() throws {
        var hostConfig = TestSetup.config()
        hostConfig.gameName = "hid"
        var net = ProtocolHarness(host: hostConfig)
        var clientConfig = TestSetup.config()
        clientConfig.protocolID = TestSetup.protocolID &+ 1
        clientConfig.gameName = "netplay"
        let client = net.addClient(clientConfig)
        #expect(net.run { $0.clientDisconnectReason(client) != nil })
        #expect(net.clientDisconnectReason(client) == .wrongGame(host: "hid", local: "netplay"))
        #expect(net.host.peerCount == 0)
        let hellos = net.clientSent.filter { $0.bytes.first == PacketType.hello.rawValue }
        let denials = net.hostSent.filter { $0.bytes.first == PacketType.denied.rawValue }
        #expect(!denials.isEmpty)
        #expect(denials.allSatisfy { denial in hellos.allSatisfy { denial.bytes.count <= $0.bytes.count } })
        // Type, the client's protocol id, its nonce, then code 5, a length and the name.
        let denial = try #require(denials.first).bytes
        #expect(denial.count == 26)
        #expect(Array(denial[21...]) == [5, 3, 0x68, 0x69, 0x64])
    }

    @Test("a wrong-game denial names at most 32 bytes of the host's game and round-trips")
    func wrongGameDenialIsBounded() throws {
        let long = String(repeating: "é", count: 40)
        let denied = DeniedPacket(
            protocolID: 7, clientNonce: [UInt8](repeating: 1, count: 16), reason: .wrongGame(hostGame: long))
        let bytes = denied.encoded()
        #expect(bytes.count == 55)
        let parsed = try #require(DeniedPacket(bytes))
        #expect(parsed.reason == .wrongGame(hostGame: String(repeating: "é", count: 16)))
        var oversized = Array(bytes[..<22]) + [33] + [UInt8](repeating: 0x61, count: 33)
        #expect(DeniedPacket(oversized) == nil)
        oversized = Array(bytes[..<22]) + [2, 0xFF, 0xFE]
        #expect(DeniedPacket(oversized) == nil, "invalid UTF-8 is refused")
    }

    @Test("no answer makes the client give up as hostUnreachable within the timeout")
    func hostUnreachable() {
        var net = ProtocolHarness()
        net.clientToHostLoss = 1
        let client = net.addClient()
        net.advance(.seconds(10) + ProtocolHarness.stepLength)
        #expect(net.clientDisconnectReason(client) == .hostUnreachable)
    }

    @Test("silence interrupts a connection after interruptAfter and ends it after the resume grace, on both sides")
    func timeout() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        let silenceStart = net.now
        net.clientToHostLoss = 1
        net.hostToClientLoss = 1
        let config = net.host.config
        #expect(net.run(maxSteps: 200) { $0.hostEvents.contains(.interrupted(peer)) })
        #expect(net.now - silenceStart >= config.interruptAfter)
        #expect(net.now - silenceStart <= config.interruptAfter + ProtocolHarness.stepLength)
        #expect(net.clientEvents[client].contains(.interrupted))
        let limit = config.resumeGrace + config.keepaliveInterval
        #expect(
            net.run(maxSteps: 4_000) {
                $0.hostDisconnectReason(peer) != nil && $0.clientDisconnectReason(client) != nil
            })
        #expect(net.now - silenceStart <= limit)
        #expect(net.now - silenceStart >= config.resumeGrace)
        #expect(net.hostDisconnectReason(peer) == .timedOut)
        #expect(net.clientDisconnectReason(client) == .timedOut)
        #expect(net.host.peerCount == 0)
        // Reported once per outage, never resumed.
        #expect(net.hostEvents.count(where: { $0 == .interrupted(peer) }) == 1)
        #expect(!net.hostEvents.contains(.resumed(peer)) && !net.clientEvents[client].contains(.resumed))
    }

    /// A host reserves its peer table for `maxPeers` when it is made, so that joining
    /// players leave no outgrown arrays behind; peers timing out must not give that room up
    /// (a copy of the ids held while one was removed made the table copy itself at its count).
    @Test("a host's peer table keeps the room it reserved for maxPeers when peers time out")
    func reservedRoomOutlivesTimeouts() throws {
        var net = ProtocolHarness()
        let maxPeers = net.host.config.maxPeers
        #expect(net.host.peers.ids.capacity >= maxPeers && net.host.peers.values.capacity >= maxPeers)
        for _ in 0..<3 { _ = try net.connected() }
        net.clientToHostLoss = 1
        net.hostToClientLoss = 1
        #expect(net.run(maxSteps: 4_000) { $0.host.peerCount == 0 })
        #expect(net.hostEvents.count(where: { if case .disconnected(_, .timedOut) = $0 { true } else { false } }) == 3)
        #expect(net.host.peers.ids.capacity >= maxPeers)
        #expect(net.host.peers.values.capacity >= maxPeers)
    }

    @Test("keepalives hold an idle connection open far past the timeout")
    func keepalivesPreventTimeout() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        net.advance(.seconds(60))
        #expect(net.clients[client].isConnected)
        #expect(net.host.connectedPeers == [peer])
    }

    @Test("a client closing tells the host its reason, even with loss")
    func closedByPeerWithReason() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        net.clientToHostLoss = 0.3
        net.clients[client].disconnect(reason: "dinner time")
        net.deliver()
        #expect(net.clientDisconnectReason(client) == .closedLocally)
        // Three copies: with 30% loss this seed delivers one; otherwise the timeout would.
        #expect(net.hostDisconnectReason(peer) == .closedByPeer(reason: "dinner time"))
    }

    @Test("the host kicking a client tells it why")
    func kicked() throws {
        var net = ProtocolHarness()
        let (client, peer) = try net.connected()
        net.host.disconnect(peer, reason: "cheating")
        net.deliver()
        #expect(net.clientDisconnectReason(client) == .kicked(reason: "cheating"))
        #expect(net.hostDisconnectReason(peer) == .closedLocally)
    }

    @Test("a host shutting down tells every client")
    func hostShutDown() throws {
        var net = ProtocolHarness()
        let (first, _) = try net.connected()
        let (second, _) = try net.connected()
        net.host.shutDown()
        net.deliver()
        #expect(net.clientDisconnectReason(first) == .hostShutDown)
        #expect(net.clientDisconnectReason(second) == .hostShutDown)
        #expect(net.host.peerCount == 0)
    }

    @Test("every reason prints a plain sentence")
    func reasonsDescribeThemselves() {
        let reasons: [DisconnectReason] = [
            .timedOut, .hostUnreachable, .closedByPeer(reason: nil), .closedByPeer(reason: "bye"), .closedLocally,
            .hostFull, .versionMismatch(local: 1, remote: 2), .schemaMismatch("a vs b"), .wrongJoinCode,
            .joinCodeRequired, .wrongGame(host: "hid", local: "netplay"),
            .hostShutDown, .kicked(reason: nil), .kicked(reason: "afk"),
        ]
        for reason in reasons {
            let text = reason.description
            #expect(text.first?.isUppercase == true && text.last == ".", "\(text)")
        }
        #expect(DisconnectReason.kicked(reason: "afk").description.contains("afk"))
    }

    @Test("peers not yet heard from are capped: a pending peer is evicted oldest first, once it had time to confirm")
    func pendingTableIsCapped() {
        var config = TestSetup.config()
        config.maxPendingHandshakes = 1
        var host = HostEndpoint(config: config, random: .seeded(11))
        var clients = (0..<2).map {
            ClientEndpoint(config: config, host: TestSetup.hostAddress, now: .zero, random: .seeded(20 + UInt64($0)))
        }
        func toHost(_ index: Int, at now: NetInstant = .zero) {
            for datagram in clients[index].drainOutgoing() {
                host.receive(datagram.bytes, from: TestSetup.clientAddress(index), now: now)
            }
        }
        func toClients(at now: NetInstant = .zero) {
            for datagram in host.drainOutgoing() {
                let index = datagram.address == TestSetup.clientAddress(0) ? 0 : 1
                clients[index].receive(datagram.bytes, from: TestSetup.hostAddress, now: now)
            }
        }
        toHost(0)
        toHost(1)
        toClients()  // hellos and challenges
        toHost(0)
        #expect(host.peerCount == 1 && host.pendingCount == 1)
        toHost(1)  // would evict client 0, admitted just now: dropped unanswered instead
        #expect(host.peerCount == 1 && host.pendingCount == 1 && host.drops[.seatsBusy] == 1)
        #expect(host.keyExchanges == 1)

        // Client 0 never hears its `accepted`; once its seat is old enough it may go.
        _ = host.drainOutgoing()
        let early = NetInstant.zero + (config.pendingEvictionAge - .milliseconds(1))
        let later = early + config.handshakeResendInterval
        clients[1].update(now: early)
        toHost(1, at: early)  // a resend, still too young to evict
        #expect(host.drops[.seatsBusy] == 2 && host.pendingCount == 1)
        clients[1].update(now: later)
        toHost(1, at: later)  // client 1's resent response evicts client 0, now old enough
        #expect(host.peerCount == 1 && host.pendingCount == 1 && host.drops.total == 2 && host.keyExchanges == 2)
        toClients(at: later)  // accepted
        toHost(1, at: later)  // the client's keepalive confirms it
        toClients(at: later)  // the host's answer tells the client it is in
        #expect(clients[1].isConnected && host.pendingCount == 0 && host.confirmedCount == 1)
        #expect(host.drainEvents().count == 1)
    }

    @Test("a burst of real players larger than the pending cap all get in, none stranded")
    func burstLargerThanPendingCapAllConnect() {
        let players = 40
        var config = TestSetup.config(maxPeers: players)
        config.maxPendingHandshakes = 16
        var net = ProtocolHarness(host: config)
        for _ in 0..<players { net.addClient(config) }
        // Every hello, then every response, reaches the host before any client confirms.
        #expect(net.run(maxSteps: 200) { $0.host.confirmedCount == players })
        #expect(net.clients.allSatisfy { $0.isConnected })
        #expect(net.host.peerCount == players && net.host.drops[.unknownPeer] == 0)
        #expect(net.host.drops[.seatsBusy] > 0)
        // Every group of 16 waits for the previous to confirm, not for an eviction: a second at most.
        #expect(net.now <= .zero + .seconds(1))
    }
}
