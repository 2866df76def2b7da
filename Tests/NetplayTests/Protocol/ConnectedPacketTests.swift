import Testing

@testable import NetplayBase
@testable import NetplayProtocol
@testable import NetplayTesting

/// The per-message path seals a payload straight into the packet's buffer and takes a lone
/// payload frame out of the plaintext in place; both must give exactly the bytes of the
/// general frame path that docs/PROTOCOL.md and the test vectors describe.
@Suite("Connected packets: the one-payload fast path")
struct ConnectedPacketTests {
    /// Lengths either side of the varint boundaries (one byte below 128, two from 128).
    static let payloadLengths = [0, 1, 127, 128, 129, 1_100]

    @Test("Sealing one payload directly gives the bytes of sealing its encoded frame", arguments: payloadLengths)
    func directSealMatchesFramePath(length: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let key = TestVectors.hostToClientKey
        let general = ConnectedPacket.seal(
            Frame.encode([.payload(payload)]), peerID: TestVectors.peerID, sequence: 0x1_0000_0009, key: key,
            purpose: .hostToClient)
        let direct = ConnectedPacket.seal(
            payload: payload, peerID: TestVectors.peerID, sequence: 0x1_0000_0009, key: key, purpose: .hostToClient)
        #expect(direct == general)
    }

    @Test("Opening gives back the payload, and a lone payload frame is taken whole", arguments: payloadLengths)
    func openAndTakeSolePayload(length: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let key = TestVectors.clientToHostKey
        let packet = ConnectedPacket.seal(
            payload: payload, peerID: TestVectors.peerID, sequence: 3, key: key, purpose: .clientToHost)
        let header = try #require(ConnectedHeader(packet))
        #expect(header.peerID == TestVectors.peerID)
        var plaintext = try #require(
            ConnectedPacket.open(packet, header: header, sequence: 3, key: key, purpose: .clientToHost))
        #expect(plaintext == Frame.encode([.payload(payload)]))
        #expect(Frame.takeSolePayload(&plaintext) == payload)
    }

    @Test("Anything but exactly one payload frame is left to the general decoder")
    func takeSolePayloadRefusesOtherPlaintexts() {
        let cases: [[UInt8]] = [
            Frame.encode([.payload([1]), .keepalive]),  // a second frame follows
            Frame.encode([.keepalive]),
            [Frame.Kind.payload.rawValue, 5, 1, 2],  // claims more than it holds
            [Frame.Kind.payload.rawValue, 0x80, 0x80, 0x00],  // a three-byte length
            [Frame.Kind.payload.rawValue],
        ]
        for original in cases {
            var plaintext = original
            #expect(Frame.takeSolePayload(&plaintext) == nil)
            #expect(plaintext == original)
        }
    }

    @Test("A changed header or sealed byte fails authentication")
    func tamperingFails() throws {
        let key = TestVectors.hostToClientKey
        let packet = ConnectedPacket.seal(
            payload: [1, 2, 3], peerID: TestVectors.peerID, sequence: 11, key: key, purpose: .hostToClient)
        let header = try #require(ConnectedHeader(packet))
        for index in [1, ConnectedPacket.headerBytes, packet.count - 1] {
            var tampered = packet
            tampered[index] ^= 0x01
            let tamperedHeader = try #require(ConnectedHeader(tampered))
            #expect(
                ConnectedPacket.open(tampered, header: tamperedHeader, sequence: 11, key: key, purpose: .hostToClient)
                    == nil)
        }
        #expect(ConnectedPacket.open(packet, header: header, sequence: 12, key: key, purpose: .hostToClient) == nil)
    }
}
