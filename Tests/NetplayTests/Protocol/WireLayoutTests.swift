import Crypto
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

/// Re-derives the session from captured bytes using only the offsets and formulas written in
/// `docs/PROTOCOL-handshake-draft.md`, so the document and the code cannot drift apart.
@Suite("Protocol wire layout matches the written draft")
struct ProtocolWireLayoutTests {
    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    @Test("an independent implementation of the documented key schedule opens every packet")
    func documentedKeyScheduleOpensPackets() throws {
        let clientSeed: UInt64 = 31
        let joinCode = "PLUM-42"
        var host = HostEndpoint(config: TestSetup.config(joinCode: joinCode), random: .seeded(30))
        var client = ClientEndpoint(
            config: TestSetup.config(joinCode: joinCode), host: TestSetup.hostAddress, now: .zero,
            random: .seeded(clientSeed))
        let address = TestSetup.clientAddress(0)
        let hello = try #require(client.drainOutgoing().first).bytes
        host.receive(hello, from: address, now: .zero)
        let challenge = try #require(host.drainOutgoing().first).bytes
        client.receive(challenge, from: TestSetup.hostAddress, now: .zero)
        let response = try #require(client.drainOutgoing().first).bytes
        host.receive(response, from: address, now: .zero)
        let accepted = try #require(host.drainOutgoing().first).bytes
        client.receive(accepted, from: TestSetup.hostAddress, now: .zero)
        let keepalive = try #require(client.drainOutgoing().first).bytes

        // Sizes and fixed fields.
        #expect(hello.count == 1_200 && response.count == 1_200 && challenge.count == 77 && accepted.count == 21)
        #expect(hello[0] == 1 && challenge[0] == 2 && response[0] == 3 && accepted[0] == 4 && keepalive[0] == 6)
        #expect(Array(hello[1..<5]) == Self.le(TestSetup.protocolID) && Array(hello[5..<9]) == Self.le(UInt32(1)))
        #expect(Array(hello[57..<73]) == TestSetup.schema.fingerprint)
        #expect(hello[73...].allSatisfy { $0 == 0 } && response[113...].allSatisfy { $0 == 0 })
        let clientKey = Array(hello[9..<41])
        let clientNonce = Array(hello[41..<57])
        #expect(Array(challenge[5..<21]) == clientNonce)
        let timestamp = Array(challenge[21..<29])
        let cookie = Array(challenge[29..<45])
        let hostKey = Array(challenge[45..<77])
        #expect(Array(response[0..<1]) + Array(response[1..<73]) == [3] + Array(hello[1..<73]))
        #expect(Array(response[73..<81]) == timestamp && Array(response[81..<97]) == cookie)

        // The client's private key is the first 32 bytes its random source produced.
        var random = ProtocolRandom.seeded(clientSeed)
        let privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: random.bytes(32))
        #expect(Array(privateKey.publicKey.rawRepresentation) == clientKey)
        let shared = try privateKey.sharedSecretFromKeyAgreement(with: .init(rawRepresentation: hostKey))
        let transcript = Self.le(TestSetup.protocolID) + clientKey + clientNonce + hostKey + timestamp + cookie
        let okm = shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: Array(SHA256.hash(data: Array(joinCode.utf8))),
            sharedInfo: Array("netplay-keys-v1".utf8) + transcript, outputByteCount: 64)
        let okmBytes = okm.withUnsafeBytes { Array($0) }
        let c2h = SymmetricKey(data: okmBytes[0..<32])
        let h2c = SymmetricKey(data: okmBytes[32..<64])

        func open(_ sealed: ArraySlice<UInt8>, key: SymmetricKey, purpose: UInt32, sequence: UInt64, aad: [UInt8])
            throws -> [UInt8]
        {
            let nonce = try ChaChaPoly.Nonce(data: Self.le(purpose) + Self.le(sequence))
            let split = sealed.endIndex - 16
            let box = try ChaChaPoly.SealedBox(nonce: nonce, ciphertext: sealed[..<split], tag: sealed[split...])
            return Array(try ChaChaPoly.open(box, using: key, authenticating: aad))
        }
        // Key confirmation: empty plaintext, tag over the label and response[0..<97).
        #expect(
            try open(
                response[97..<113], key: c2h, purpose: 3, sequence: 0,
                aad: Array("netplay-confirm-v1".utf8) + Array(response[0..<97])
            ).isEmpty)
        #expect(
            try open(
                accepted[5..<21], key: h2c, purpose: 4, sequence: 0,
                aad: Array("netplay-accepted-v1".utf8) + Array(accepted[0..<5])
            ).isEmpty)
        // The client's first connected packet: sequence 0, a single keepalive frame.
        #expect(Array(keepalive[1..<5]) == Array(accepted[1..<5]) && Array(keepalive[5..<9]) == [0, 0, 0, 0])
        #expect(try open(keepalive[9...], key: c2h, purpose: 1, sequence: 0, aad: Array(keepalive[0..<9])) == [0x02])
        // A payload frame: 0x01, varint length, bytes.
        try client.send(payload: [9, 8, 7])
        let payloadPacket = try #require(client.drainOutgoing().first).bytes
        #expect(
            try open(payloadPacket[9...], key: c2h, purpose: 1, sequence: 1, aad: Array(payloadPacket[0..<9])) == [
                1, 3, 9, 8, 7,
            ])
    }
}
