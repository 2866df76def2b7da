import Testing

@testable import NetplayBase
@testable import NetplayProtocol
@testable import NetplayTesting

/// The handshake's X25519, HMAC and HKDF go through BoringSSL's one-shot functions where it can
/// be imported; these hold that path to swift-crypto's, byte for byte.
@Suite("Handshake cryptography: BoringSSL directly, as swift-crypto")
struct HandshakeCryptoTests {
    private static func bytes(_ count: Int, _ random: inout TestRandom) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// Random key pairs: the same public keys, and the same derived keys for every salt (none,
    /// or a join code's digest) and transcript length, from both ends of each agreement.
    @Test func keyAgreementsMatchSwiftCryptoByteForByte() throws {
        var random = TestRandom(seed: 23)
        for round in 0..<100 {
            let client = Self.bytes(32, &random)
            let host = Self.bytes(32, &random)
            let clientPublic = HandshakeCrypto.publicKey(privateKey: client)
            let hostPublic = HandshakeCrypto.publicKey(privateKey: host)
            #expect(clientPublic == HandshakeCrypto.swiftCryptoPublicKey(privateKey: client), "round \(round)")
            #expect(hostPublic == HandshakeCrypto.swiftCryptoPublicKey(privateKey: host), "round \(round)")

            let salt = round % 2 == 0 ? [] : Self.bytes(32, &random)
            let info = Self.bytes(Int(random.next() % 160), &random)
            let count = [32, 64, 96][round % 3]
            let fromClient = HandshakeCrypto.withAgreedKeys(
                privateKey: client, peerPublicKey: hostPublic, salt: salt, info: info, outputByteCount: count
            ) { Array($0) }
            let fromHost = HandshakeCrypto.withAgreedKeys(
                privateKey: host, peerPublicKey: clientPublic, salt: salt, info: info, outputByteCount: count
            ) { Array($0) }
            let reference = try #require(
                HandshakeCrypto.swiftCryptoAgreedKeys(
                    privateKey: client, peerPublicKey: hostPublic, salt: salt, info: info, outputByteCount: count))
            #expect(fromClient?.count == count)
            #expect(fromClient == reference.withUnsafeBytes { Array($0) }, "round \(round)")
            #expect(fromHost == fromClient, "round \(round)")
        }
    }

    /// A public key of low order makes an all-zero secret: refused, as swift-crypto refuses it,
    /// and so is a key of the wrong length.
    @Test func lowOrderAndMisSizedPublicKeysAreRefused() {
        var random = TestRandom(seed: 29)
        let own = Self.bytes(32, &random)
        // u = 0 and u = 1 are points of small order on Curve25519.
        let lowOrder: [[UInt8]] = [[UInt8](repeating: 0, count: 32), [1] + [UInt8](repeating: 0, count: 31)]
        for peer in lowOrder {
            let derived = HandshakeCrypto.withAgreedKeys(
                privateKey: own, peerPublicKey: peer, salt: [], info: [], outputByteCount: 64
            ) { Array($0) }
            #expect(derived == nil)
            #expect(
                HandshakeCrypto.swiftCryptoAgreedKeys(
                    privateKey: own, peerPublicKey: peer, salt: [], info: [], outputByteCount: 64) == nil)
        }
        for count in [0, 31, 33] {
            let derived = HandshakeCrypto.withAgreedKeys(
                privateKey: own, peerPublicKey: Self.bytes(count, &random), salt: [], info: [], outputByteCount: 64
            ) { Array($0) }
            #expect(derived == nil)
        }
        #if canImport(CCryptoBoringSSL)
        #expect(PacketAEAD.errorQueueIsEmpty)
        #endif
    }

    /// HMAC-SHA256 of random messages under random keys (shorter than, as long as and longer
    /// than SHA-256's 64-byte block): the same codes.
    @Test func authenticationCodesMatchSwiftCryptoByteForByte() {
        var random = TestRandom(seed: 31)
        for round in 0..<200 {
            let key = Self.bytes([0, 16, 32, 64, 65, 100][round % 6], &random)
            let message = Self.bytes(Int(random.next() % 300), &random)
            let code = HandshakeCrypto.authenticationCode(key: key, message: message)
            #expect(code.count == 32)
            #expect(code == HandshakeCrypto.swiftCryptoAuthenticationCode(key: key, message: message), "round \(round)")
        }
    }

    /// RFC 4231's test case 2 ("what do ya want for nothing?" under "Jefe"): a known answer,
    /// independent of either implementation.
    @Test func authenticationCodeMatchesRFC4231() {
        let code = HandshakeCrypto.authenticationCode(
            key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        #expect(code.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == expected)
    }
}

/// PROTOCOL §3.3: a key agreement that fails (a low-order public key) drops the packet as
/// `malformed`, with no answer.
@Suite("Handshake: low-order keys")
struct LowOrderKeyTests {
    /// A challenge whose host key is the point u = 0 (its secret with any key is all zeros):
    /// the client drops it and sends no response.
    @Test func aChallengeWithALowOrderHostKeyIsDroppedAsMalformed() throws {
        let config = ProtocolConfig(protocolID: 0x4C4F_5731)
        let host = PeerAddress.memory(node: 1, port: 1)
        var client = ClientEndpoint(
            config: config, host: host, now: NetInstant(nanoseconds: 1),
            random: ProtocolRandom(DeterministicRandom(seed: 5)))
        let helloBytes = try #require(client.drainOutgoing().first?.bytes)
        let hello = try #require(HelloPacket(helloBytes))
        let challenge = ChallengePacket(
            protocolID: config.protocolID, clientNonce: hello.clientNonce, timestamp: 7,
            cookie: [UInt8](repeating: 3, count: 16), hostPublicKey: [UInt8](repeating: 0, count: 32))
        client.receive(challenge.encoded(), from: host, now: NetInstant(nanoseconds: 2))
        #expect(client.drops[.malformed] == 1)
        #expect(client.drainOutgoing().isEmpty)
    }
}
