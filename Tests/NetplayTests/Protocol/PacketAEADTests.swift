import Testing

@testable import NetplayBase
@testable import NetplayProtocol
@testable import NetplayTesting

/// Packets are sealed and opened by BoringSSL's AEAD directly where it can be imported; these
/// hold that path to swift-crypto's `ChaChaPoly`, byte for byte, both ways.
@Suite("Packet AEAD: BoringSSL directly, as swift-crypto")
struct PacketAEADTests {
    #if os(Linux)
    /// On Linux the fast path is the one in use (if SwiftPM stopped exposing swift-crypto's
    /// BoringSSL module, packets would quietly fall back to `ChaChaPoly`).
    @Test func linuxSealsWithBoringSSLDirectly() {
        #expect(PacketKey.sealsWithBoringSSL)
    }
    #endif

    /// Random keys, nonces, associated data and plaintexts (empty up to a full payload): the
    /// same bytes either way, each opens the other's, and one flipped bit anywhere (ciphertext,
    /// tag or associated data) or the wrong nonce is refused by both.
    @Test func sealAndOpenMatchSwiftCryptoByteForByte() throws {
        var random = TestRandom(seed: 11)
        let purposes: [NoncePurpose] = [.clientToHost, .hostToClient, .keyConfirmation, .acceptance]
        for round in 0..<300 {
            let key = PacketKey(bytes: (0..<PacketKey.byteCount).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            let purpose = purposes[round % purposes.count]
            let sequence = random.next() >> (random.next() % 64)
            let associated = (0..<Int(random.next() % 24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let plainCount = round < 4 ? round : Int(random.next() % 1_300)
            let plain = (0..<plainCount).map { _ in UInt8(truncatingIfNeeded: random.next()) }

            var fast = associated + plain
            key.seal(inPlace: &fast, from: associated.count, purpose: purpose, sequence: sequence)
            var reference = associated + plain
            key.swiftCryptoSeal(inPlace: &reference, from: associated.count, purpose: purpose, sequence: sequence)
            #expect(fast == reference, "round \(round)")
            #expect(fast.count == associated.count + plainCount + FieldSize.tag)

            #expect(key.open(reference, sealedFrom: associated.count, purpose: purpose, sequence: sequence) == plain)
            // Into a reused buffer that still holds a longer, older plaintext: only the new one.
            let stale = [UInt8](repeating: 0xEE, count: 1_400)
            #expect(
                key.open(reference, sealedFrom: associated.count, purpose: purpose, sequence: sequence, into: stale)
                    == plain)
            #expect(
                key.swiftCryptoOpen(fast, sealedFrom: associated.count, purpose: purpose, sequence: sequence) == plain)

            var tampered = fast
            let bit = Int(random.next() % UInt64(tampered.count * 8))
            tampered[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(key.open(tampered, sealedFrom: associated.count, purpose: purpose, sequence: sequence) == nil)
            #expect(
                key.swiftCryptoOpen(tampered, sealedFrom: associated.count, purpose: purpose, sequence: sequence) == nil
            )
            #expect(key.open(fast, sealedFrom: associated.count, purpose: purpose, sequence: sequence &+ 1) == nil)
        }
    }

    #if canImport(CCryptoBoringSSL)
    /// A refused packet leaves nothing in BoringSSL's per-thread error queue, where swift-crypto
    /// would read it as the cause of its own next failure; and a good packet still opens after.
    @Test func aRefusedPacketLeavesNoBoringSSLErrorBehind() {
        let key = TestVectors.clientToHostKey
        let forged = [UInt8](repeating: 0x11, count: 40)
        #expect(key.open(forged, sealedFrom: 8, purpose: .clientToHost, sequence: 1) == nil)
        #expect(PacketAEAD.errorQueueIsEmpty)
        var sealed: [UInt8] = [1, 2, 3, 4, 5]
        key.seal(inPlace: &sealed, from: 2, purpose: .clientToHost, sequence: 9)
        #expect(key.open(sealed, sealedFrom: 2, purpose: .clientToHost, sequence: 9) == [3, 4, 5])
        #expect(key.open(sealed, sealedFrom: 2, purpose: .hostToClient, sequence: 9) == nil)
        #expect(key.open(sealed, sealedFrom: 1, purpose: .clientToHost, sequence: 9) == nil)
        #expect(PacketAEAD.errorQueueIsEmpty)
    }
    #endif

    /// Seals and opens from many threads at once with one key: each call has its own context,
    /// and the key is only read.
    @Test func oneKeySealsAndOpensOnManyThreadsAtOnce() async {
        let key = TestVectors.clientToHostKey
        await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for index in 0..<500 {
                        var bytes = [UInt8](repeating: UInt8(task), count: 8 + index % 100)
                        key.seal(inPlace: &bytes, from: 8, purpose: .clientToHost, sequence: UInt64(index))
                        let opened = key.open(bytes, sealedFrom: 8, purpose: .clientToHost, sequence: UInt64(index))
                        guard opened == [UInt8](repeating: UInt8(task), count: index % 100) else { return false }
                        bytes[bytes.count - 1] ^= 1
                        guard key.open(bytes, sealedFrom: 8, purpose: .clientToHost, sequence: UInt64(index)) == nil
                        else { return false }
                    }
                    return true
                }
            }
            for await passed in group { #expect(passed) }
        }
    }

    /// Too short to hold a tag, or a start past the end: refused, never read out of bounds.
    @Test func truncatedPacketsAreRefused() {
        let key = TestVectors.clientToHostKey
        for count in 0..<FieldSize.tag {
            let bytes = [UInt8](repeating: 0xA5, count: count)
            #expect(key.open(bytes, sealedFrom: 0, purpose: .clientToHost, sequence: 1) == nil)
        }
        let long = [UInt8](repeating: 0, count: 40)
        #expect(key.open(long, sealedFrom: 30, purpose: .clientToHost, sequence: 1) == nil)
        #expect(key.open(long, sealedFrom: 41, purpose: .clientToHost, sequence: 1) == nil)
        #expect(key.open(long, sealedFrom: -1, purpose: .clientToHost, sequence: 1) == nil)
    }
}
