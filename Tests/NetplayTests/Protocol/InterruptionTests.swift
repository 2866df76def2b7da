import Testing

@testable import NetplayBase
@testable import NetplayProtocol

/// An interruption ends with a packet that is reported: the end is what the game hears as
/// `resumed`, so a packet that cannot report it must not end it.
@Suite("Protocol interruptions end with a reported packet")
struct ProtocolInterruptionTests {
    @Test("an authentic packet whose frames do not decode leaves an interruption for the next good packet to end")
    func undecodablePacketDoesNotEndAnInterruption() throws {
        var random = ProtocolRandom(DeterministicRandom(seed: 3))
        let hostPair = EphemeralKeyPair(random: &random)
        let clientPair = EphemeralKeyPair(random: &random)
        let keys = try #require(
            SessionKeys(
                privateKey: clientPair.privateKey, peerPublicKey: hostPair.publicKey, joinCode: nil,
                transcript: [UInt8](repeating: 7, count: 96)))
        let id = PeerID(rawValue: 9)
        var host = Connection(
            role: .host, peerID: id, address: .memory(node: 2, port: 5000), keys: keys, now: .zero)
        var client = Connection(role: .client, peerID: id, address: TestSetup.hostAddress, keys: keys, now: .zero)

        func open(_ bytes: [UInt8], at now: NetInstant) throws -> Connection.Opened {
            host.open(bytes, header: try #require(ConnectedHeader(bytes)), now: now)
        }
        guard case .received = try open(client.seal([.keepalive], now: .zero).bytes, at: .zero) else {
            Issue.record("the first keepalive was not received")
            return
        }
        host.markInterrupted()

        // Sealed with the client's key, so authentic; its one byte is no frame type.
        let undecodable = ConnectedPacket.seal(
            [0xFF], peerID: id, sequence: 100, key: keys.clientToHost, purpose: .clientToHost)
        guard case .dropped(.malformed) = try open(undecodable, at: .seconds(2)) else {
            Issue.record("an undecodable authentic packet was not dropped as malformed")
            return
        }
        #expect(host.isInterrupted)
        #expect(host.lastReceived == .seconds(2))  // it still proved the peer alive

        let keepalive = client.seal([.keepalive], now: .seconds(3)).bytes
        guard case .received(let received) = try open(keepalive, at: .seconds(3)) else {
            Issue.record("the next keepalive was not received")
            return
        }
        #expect(received.endedInterruption)
        #expect(!host.isInterrupted)
    }
}
