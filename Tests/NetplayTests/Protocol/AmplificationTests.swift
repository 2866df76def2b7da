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

@Suite("Protocol anti-amplification and flood resistance")
struct ProtocolAmplificationTests {
    /// A response for `clientConfig` that `host` will accept as fresh from `address`.
    static func response(host: inout HostEndpoint, clientConfig: ProtocolConfig, address: PeerAddress, seed: UInt64)
        -> [UInt8]?
    {
        var client = ClientEndpoint(
            config: clientConfig, host: TestSetup.hostAddress, now: .zero, random: .seeded(seed))
        guard let hello = client.drainOutgoing().first else { return nil }
        host.receive(hello.bytes, from: address, now: .zero)
        guard let challenge = host.drainOutgoing().first else { return nil }
        client.receive(challenge.bytes, from: TestSetup.hostAddress, now: .zero)
        return client.drainOutgoing().first?.bytes
    }

    /// `bytes` cut or zero-extended to `size`.
    static func resized(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        size <= bytes.count ? Array(bytes.prefix(size)) : bytes + [UInt8](repeating: 0, count: size - bytes.count)
    }

    static let sizes =
        Array(stride(from: 0, to: 1_190, by: 17)) + Array(1_190...1_210) + [1_300, 1_399, 1_400, 1_401, 2_000]

    @Test("no reply before the handshake completes is larger than its request", arguments: [1_200, 1_400])
    func repliesNeverExceedRequests(mtu: Int) throws {
        let longSchema = SchemaIdentity(
            fingerprint: Array(repeating: 1, count: 16), description: String(repeating: "Ω", count: 3_000))
        var hostConfig = TestSetup.config(joinCode: "PLUM-42", schema: longSchema)
        hostConfig.mtu = mtu
        var fullConfig = hostConfig
        fullConfig.maxPeers = 0
        var goodClient = TestSetup.config(joinCode: "PLUM-42", schema: longSchema)
        goodClient.mtu = mtu
        var requests: [(name: String, host: ProtocolConfig, client: ProtocolConfig?)] = [
            ("hello", hostConfig, nil),
            ("accepted", hostConfig, goodClient),
            ("hostFull", fullConfig, goodClient),
        ]
        var versionClient = goodClient
        versionClient.protocolVersion = 99
        var schemaClient = goodClient
        schemaClient.schema = TestSetup.schema
        var codeClient = goodClient
        codeClient.joinCode = "WRONG"
        requests += [
            ("version", hostConfig, versionClient), ("schema", hostConfig, schemaClient),
            ("joinCode", hostConfig, codeClient),
        ]

        var replyTypes = Set<UInt8>()
        for (caseIndex, request) in requests.enumerated() {
            for (sizeIndex, size) in Self.sizes.enumerated() {
                var host = HostEndpoint(config: request.host, random: .seeded(UInt64(caseIndex)))
                let address = TestSetup.clientAddress(sizeIndex)
                let base: [UInt8]
                if let clientConfig = request.client {
                    let response = Self.response(
                        host: &host, clientConfig: clientConfig, address: address, seed: UInt64(sizeIndex))
                    base = try #require(response)
                } else {
                    let client = ClientEndpoint(
                        config: goodClient, host: TestSetup.hostAddress, now: .zero, random: .seeded(UInt64(sizeIndex)))
                    base = try #require(client.outgoingForTests.first).bytes
                }
                let datagram = Self.resized(base, to: size)
                host.receive(datagram, from: address, now: .zero)
                for reply in host.drainOutgoing() {
                    #expect(
                        reply.bytes.count <= datagram.count, "\(request.name) size \(size): reply \(reply.bytes.count)")
                    if let type = reply.bytes.first { replyTypes.insert(type) }
                }
            }
        }
        let expected: Set<UInt8> = [
            PacketType.challenge.rawValue, PacketType.accepted.rawValue, PacketType.denied.rawValue,
        ]
        #expect(replyTypes == expected)
    }

    @Test("a 100,000-address hello flood leaves no state, and a real client still connects")
    func connectFlood() throws {
        var net = ProtocolHarness()
        var attacker = SeededGenerator(seed: 0xF100D)
        let template = try #require(
            ClientEndpoint(config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(77))
                .outgoingForTests.first
        ).bytes
        let floodPerStep = 200
        let floodTotal = 100_000
        var sent = 0
        var client: Int?
        var maxOutgoing = 0
        var connectedAtFloodCount: Int?
        while sent < floodTotal {
            for _ in 0..<floodPerStep {
                var hello = template
                for index in 41..<57 { hello[index] = UInt8(truncatingIfNeeded: attacker.next()) }  // fresh nonce
                let fake = PeerAddress(
                    family: .ipv4, address: attacker.bytes(4), port: UInt16(truncatingIfNeeded: attacker.next()))
                net.host.receive(hello, from: fake, now: net.now)
                sent += 1
            }
            maxOutgoing = max(maxOutgoing, net.host.outgoing.count)
            if sent == floodTotal / 2 { client = net.addClient() }
            net.step()
            if let client, net.clients[client].isConnected, connectedAtFloodCount == nil {
                connectedAtFloodCount = sent
            }
            #expect(net.host.peerCount <= 1 && net.host.peerByAddress.count <= 1)
        }
        // Every flood hello was answered (none dropped), each with a fresh challenge.
        #expect(net.host.drops.total == 0)
        #expect(net.hostSent.count >= floodTotal)
        // The real client got in while the flood was still running.
        #expect(try #require(connectedAtFloodCount) < floodTotal)
        #expect(net.host.peerCount == 1 && net.host.pendingCount == 0)
        #expect(maxOutgoing <= net.host.config.maxQueuedHandshakeReplies)
        // Every reply to the flood went to a fake address; none was bigger than its hello.
        #expect(net.hostSent.allSatisfy { $0.bytes.count <= template.count })
    }

    @Test("undrained handshake replies are capped; extra hellos are dropped as rateLimited")
    func replyQueueIsCapped() throws {
        var host = HostEndpoint(config: TestSetup.config(), random: .seeded(5))
        let template = try #require(
            ClientEndpoint(config: TestSetup.config(), host: TestSetup.hostAddress, now: .zero, random: .seeded(6))
                .outgoingForTests.first
        ).bytes
        let cap = host.config.maxQueuedHandshakeReplies
        for node in 0..<(cap + 500) { host.receive(template, from: .memory(node: UInt64(node), port: 1), now: .zero) }
        #expect(host.outgoing.count == cap)
        #expect(host.drops[.rateLimited] == 500 && host.drops.total == 500)
        #expect(host.drainOutgoing().count == cap)
        host.receive(template, from: .memory(node: 1, port: 1), now: .zero)
        #expect(host.outgoing.count == 1)
    }
}

extension ClientEndpoint {
    /// The queued datagrams, without draining (tests only).
    var outgoingForTests: [Datagram] { outgoing }
}
