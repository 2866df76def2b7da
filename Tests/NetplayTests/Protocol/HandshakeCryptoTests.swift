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

    /// A public key of low order makes an all-zero secret: refused (swift-crypto on Linux does
    /// not refuse it; our path through it checks the secret), and so is a key of the wrong
    /// length.
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

    #if canImport(CCryptoBoringSSL)
    /// RFC 5869's test case 3 (SHA-256, an empty salt and info, as a game without a join code
    /// derives with an empty salt): a known answer, independent of either implementation.
    @Test func keyDerivationMatchesRFC5869() {
        let secret = [UInt8](repeating: 0x0B, count: 22)
        let derived = secret.withUnsafeBytes { secret in
            HandshakeCrypto.withDerivedKeys(secret: secret, salt: [], info: [], outputByteCount: 42) { Array($0) }
        }
        let expected =
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"
        #expect(derived.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == expected)
    }
    #endif

    /// SHA-256 (a join code's salt) of "abc" (FIPS 180-2's first example, a known answer) and
    /// of random messages around the 64-byte block (the same digests as swift-crypto's).
    @Test func digestsMatchFIPS180AndSwiftCrypto() {
        let abc = HandshakeCrypto.digest(Array("abc".utf8))
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(abc.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() == expected)
        var random = TestRandom(seed: 37)
        for length in [0, 1, 55, 56, 63, 64, 65, 200] {
            let message = Self.bytes(length, &random)
            #expect(HandshakeCrypto.digest(message) == HandshakeCrypto.swiftCryptoDigest(message), "\(length) bytes")
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

    /// A client whose key is the point u = 0, with a genuine cookie for it: the host's key
    /// exchange fails, so it drops the response, answers nothing and admits no one.
    @Test func aResponseWithALowOrderClientKeyIsDroppedAsMalformed() throws {
        let config = TestSetup.config()
        var host = HostEndpoint(config: config, random: .seeded(3))
        let client = TestSetup.clientAddress(0)
        let hello = HelloPacket(
            protocolID: config.protocolID, version: config.protocolVersion,
            clientPublicKey: [UInt8](repeating: 0, count: 32), clientNonce: [UInt8](repeating: 9, count: 16),
            fingerprint: config.schema.fingerprint)
        host.receive(hello.encoded(), from: client, now: .zero)
        let challenge = try #require(host.drainOutgoing().first.flatMap { ChallengePacket($0.bytes) })
        let response = ResponsePacket(
            hello: hello, timestamp: challenge.timestamp, cookie: challenge.cookie,
            confirmationTag: [UInt8](repeating: 0, count: 16), rejoinAs: nil)
        host.receive(response.encoded(), from: client, now: .zero)
        #expect(host.drops[.malformed] == 1)
        #expect(host.keyExchanges == 1)
        #expect(host.drainOutgoing().isEmpty)
        #expect(host.peerCount == 0)
    }
}
