import Testing

@testable import NetplayBase
@testable import NetplayProtocol

/// Bounded, virtual-time forms of the attacks `netplay attack` runs full size against a real
/// host: half-open handshakes, hello floods, replayed responses, and handshakes queued behind
/// a game's own packets.
@Suite("Handshake defences: half-open seats, per-source caps, floods and replays")
struct HandshakeDefenceTests {
    /// The attacker's machine: one source, many ports.
    static func attacker(port: Int) -> PeerAddress { .memory(node: 900, port: UInt16(1_000 + port)) }

    /// Runs a whole handshake from `address` but never answers `accepted`: a half-open seat.
    /// Returns what the host answered the response with.
    @discardableResult
    static func halfOpen(_ host: inout HostEndpoint, from address: PeerAddress, seed: UInt64, now: NetInstant)
        -> [Datagram]
    {
        var client = ClientEndpoint(
            config: TestSetup.config(), host: TestSetup.hostAddress, now: now, random: .seeded(seed))
        for datagram in client.drainOutgoing() { host.receive(datagram.bytes, from: address, now: now) }
        for datagram in host.drainOutgoing() where datagram.address == address {
            client.receive(datagram.bytes, from: TestSetup.hostAddress, now: now)
        }
        for datagram in client.drainOutgoing() { host.receive(datagram.bytes, from: address, now: now) }
        return host.drainOutgoing().filter { $0.address == address }
    }

    @Test("100 half-open handshakes a second from 64 ports of one source: a real client still connects every time")
    func halfOpenFloodCannotLockOut() throws {
        var net = ProtocolHarness()
        var attempt = 0
        for round in 0..<5 {
            // One virtual second of attack at 100 handshakes/s (the bucket lets ~10 through).
            for tick in 0..<100 {
                Self.halfOpen(
                    &net.host, from: Self.attacker(port: attempt % 64), seed: UInt64(10_000 + attempt), now: net.now)
                attempt += 1
                if tick % 10 == 9 { net.step() }
            }
            #expect(net.host.pendingCount <= ProtocolConfig.defaultMaxPendingPerSource)
            let started = net.now
            let (index, _) = try net.connected()
            #expect(net.now - started <= .seconds(1), "round \(round)")
            net.clients[index].disconnect()
            net.deliver()
        }
        #expect(net.host.drops[.throttled] > 0)
        // The game never heard of a half-open peer: every connected event is a real client's.
        let joins = net.hostEvents.filter { if case .connected = $0 { return true } else { return false } }
        #expect(joins.count == 5)
    }

    @Test("pending peers expire after the pending timeout, and hold a seat only until a confirmed player needs it")
    func pendingSeatsAreEvictedOldestFirst() throws {
        var config = TestSetup.config(maxPeers: 2)
        config.maxPendingPerSource = 2
        var net = ProtocolHarness(host: config)
        _ = try net.connected(config)
        // Two half-open seats from different sources fill the host on paper.
        Self.halfOpen(&net.host, from: .memory(node: 901, port: 1), seed: 1, now: net.now)
        net.step()
        Self.halfOpen(&net.host, from: .memory(node: 902, port: 1), seed: 2, now: net.now)
        #expect(net.host.peerCount == 2 && net.host.pendingCount == 1 && net.host.confirmedCount == 1)
        // A real client gets in by evicting the oldest pending peer.
        _ = try net.connected(config)
        #expect(net.host.confirmedCount == 2 && net.host.pendingCount == 0)
        // Now confirmed players fill the host: the next one is told it is full.
        let third = net.addClient(config)
        _ = net.run(maxSteps: 100) { $0.clientDisconnectReason(third) != nil }
        #expect(net.clientDisconnectReason(third) == .hostFull)

        var lone = HostEndpoint(config: TestSetup.config(), random: .seeded(3))
        Self.halfOpen(&lone, from: .memory(node: 903, port: 1), seed: 4, now: .zero)
        lone.update(now: .zero + .milliseconds(1_999))
        #expect(lone.pendingCount == 1)
        lone.update(now: .zero + .seconds(2))
        #expect(lone.peerCount == 0 && lone.drainEvents().isEmpty)
    }

    @Test("one source holds at most maxPeersPerSource confirmed seats; the next is denied tooManyFromAddress")
    func perSourceCapOnConfirmedPeers() throws {
        var config = TestSetup.config()
        config.maxPeersPerSource = 2
        var host = HostEndpoint(config: config, random: .seeded(5))
        var reasons: [DisconnectReason?] = []
        for port in 0..<3 {
            let address = PeerAddress.memory(node: 400, port: UInt16(port))
            var client = ClientEndpoint(
                config: config, host: TestSetup.hostAddress, now: .zero, random: .seeded(50 + UInt64(port)))
            for _ in 0..<3 {
                for datagram in client.drainOutgoing() { host.receive(datagram.bytes, from: address, now: .zero) }
                for datagram in host.drainOutgoing() where datagram.address == address {
                    client.receive(datagram.bytes, from: TestSetup.hostAddress, now: .zero)
                }
            }
            reasons.append(
                client.drainEvents().compactMap { if case .disconnected(let r) = $0 { r } else { nil } }.first)
        }
        #expect(reasons == [nil, nil, .tooManyFromAddress])
        #expect(host.confirmedCount == 2)
    }

    @Test("a hello flood from one source is throttled before any cryptography")
    func helloFloodIsThrottled() throws {
        var host = HostEndpoint(config: TestSetup.config(), random: .seeded(6))
        let hello = try #require(
            ClientEndpoint(config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(7))
                .outgoingForTests.first
        ).bytes
        let flood = 10_000
        for index in 0..<flood {
            // 10,000 hellos in one virtual second, from 64 ports of one machine.
            let now = NetInstant.zero + .microseconds(100 * index)
            host.receive(hello, from: Self.attacker(port: index % 64), now: now)
        }
        let challenges = host.drainOutgoing().count
        let allowed = Int(ProtocolConfig.defaultHandshakeBurstPerSource + ProtocolConfig.defaultHandshakeRatePerSource)
        #expect(challenges <= allowed && challenges >= allowed - 1)
        #expect(host.drops[.throttled] == flood - challenges)
    }

    @Test(
        "a replayed response gets its first answer again without a key exchange; another tag on its cookie is dropped")
    func replayedResponseCostsNoKeyExchange() throws {
        var config = TestSetup.config(joinCode: "RIGHT")
        config.handshakeRatePerSource = 1e9
        config.handshakeBurstPerSource = 1e9
        var host = HostEndpoint(config: config, random: .seeded(8))
        let address = TestSetup.clientAddress(0)
        var wrong = TestSetup.config(joinCode: "WRONG")
        wrong.joinCode = "WRONG"
        var client = ClientEndpoint(config: wrong, host: TestSetup.hostAddress, now: .zero, random: .seeded(9))
        for datagram in client.drainOutgoing() { host.receive(datagram.bytes, from: address, now: .zero) }
        for datagram in host.drainOutgoing() { client.receive(datagram.bytes, from: TestSetup.hostAddress, now: .zero) }
        let response = try #require(client.drainOutgoing().first).bytes
        host.receive(response, from: address, now: .zero)
        let denial = try #require(host.drainOutgoing().first).bytes
        #expect(host.keyExchanges == 1)
        for index in 1...1_000 {
            host.receive(response, from: address, now: .zero + .microseconds(index))
            #expect(host.drainOutgoing().map(\.bytes) == [denial])
        }
        #expect(host.keyExchanges == 1)
        // The same cookie with another confirmation tag: a second join-code guess. Dropped.
        var guess = response
        guess[ResponsePacket.fieldsByteCount] ^= 1
        host.receive(guess, from: address, now: .zero + .milliseconds(2))
        #expect(host.drainOutgoing().isEmpty && host.drops[.usedCookie] == 1 && host.keyExchanges == 1)
    }

    @Test("a deferring host handles established peers' packets before the handshakes that arrived with them")
    func deferredHandshakesWaitBehindPeers() throws {
        var net = ProtocolHarness()
        let (index, peer) = try net.connected()
        net.host.defersHandshakes = true
        let stranger = ClientEndpoint(
            config: TestSetup.config(), host: TestSetup.hostAddress, now: net.now, random: .seeded(12))
        let hello = try #require(stranger.outgoingForTests.first).bytes
        try net.clients[index].send(payload: [1, 2, 3])
        let payload = try #require(net.clients[index].drainOutgoing().first).bytes
        net.host.receive(hello, from: TestSetup.clientAddress(7), now: net.now)
        net.host.receive(payload, from: TestSetup.clientAddress(index), now: net.now)
        #expect(net.host.drainOutgoing().isEmpty)
        #expect(net.host.drainEvents().contains(.payload(peer, [1, 2, 3], sequence: 1)))
        net.host.serviceHandshakes(now: net.now)
        #expect(net.host.drainOutgoing().map(\.address) == [TestSetup.clientAddress(7)])
    }

    @Test("a deferred handshake packet is kept without its padding, and is answered as the whole one would be")
    func deferredHandshakesKeepNoPadding() throws {
        var host = HostEndpoint(config: TestSetup.config(), random: .seeded(40))
        host.defersHandshakes = true
        var client = ClientEndpoint(
            config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(41))
        let hello = try #require(client.drainOutgoing().first).bytes
        #expect(hello.count == FieldSize.handshakeFloor)
        host.receive(hello, from: TestSetup.clientAddress(1), now: .zero)
        // A stranger's queued packet holds 118 bytes, not 1,200.
        #expect(host.deferredHandshakes.map(\.bytes) == [Array(hello.prefix(ResponsePacket.contentByteCount))])
        #expect(ResponsePacket.contentByteCount == 118)
        host.serviceHandshakes(now: .zero)
        let challenge = try #require(host.drainOutgoing().first)
        client.receive(challenge.bytes, from: TestSetup.hostAddress, now: .zero)
        let response = try #require(client.drainOutgoing().first).bytes
        host.receive(response, from: TestSetup.clientAddress(1), now: .zero)
        #expect(host.deferredHandshakes.map(\.bytes.count) == [ResponsePacket.contentByteCount])
        host.serviceHandshakes(now: .zero)
        // Admitted from the trimmed copy: `accepted` goes out and the peer is pending.
        #expect(host.drainOutgoing().map(\.bytes.count) == [AcceptedPacket.byteCount])
        #expect(host.pendingCount == 1 && host.keyExchanges == 1)
    }
}
