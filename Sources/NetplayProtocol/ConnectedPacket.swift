import NetplayBase
import NetplayWire

/// The header of a connected packet: `type (1), peerID (u32), low 32 bits of sequence (u32)`.
package struct ConnectedHeader: Sendable, Hashable {
    var peerID: PeerID
    var truncatedSequence: UInt32

    package init(peerID: PeerID, sequence: UInt64) {
        self.peerID = peerID
        truncatedSequence = UInt32(truncatingIfNeeded: sequence)
    }

    /// Parses the header of `datagram`, or nil if it is not a connected packet of plausible size.
    package init?(_ datagram: [UInt8]) {
        guard datagram.count >= ConnectedPacket.minimumBytes else { return nil }
        // Read in place: this runs on every datagram, and a reader's byte arrays allocate.
        guard datagram[0] == PacketType.connected.rawValue else { return nil }
        func u32(at offset: Int) -> UInt32 {
            UInt32(datagram[offset]) | UInt32(datagram[offset + 1]) << 8 | UInt32(datagram[offset + 2]) << 16
                | UInt32(datagram[offset + 3]) << 24
        }
        peerID = PeerID(rawValue: u32(at: 1))
        truncatedSequence = u32(at: 5)
    }

    /// The header's bytes: the associated data of the packet's seal.
    package var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ConnectedPacket.headerBytes)
        append(to: &bytes)
        return bytes
    }

    /// Appends the header: the type byte, then both fields little-endian, as ``BitWriter``
    /// lays them out.
    func append(to bytes: inout [UInt8]) {
        bytes.append(PacketType.connected.rawValue)
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: peerID.rawValue >> shift))
        }
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: truncatedSequence >> shift))
        }
    }
}

/// Sealing and opening connected packets: header, then ChaCha20-Poly1305 ciphertext of the
/// frames and its tag. The nonce is `purpose (u32) ‖ full 64-bit sequence`, the header is the
/// associated data, so a changed header byte fails authentication like a changed payload byte.
package enum ConnectedPacket {
    /// Type byte, peer id and truncated sequence.
    static let headerBytes = 1 + 4 + 4
    /// Bytes a connected packet adds around its frames.
    package static let overheadBytes = headerBytes + FieldSize.tag
    /// The smallest valid packet: one one-byte frame (a keepalive).
    static let minimumBytes = overheadBytes + 1

    package static func seal(
        _ plaintext: [UInt8], peerID: PeerID, sequence: UInt64, key: PacketKey, purpose: NoncePurpose
    ) -> [UInt8] {
        var bytes = startPacket(peerID: peerID, sequence: sequence, plaintextBytes: plaintext.count)
        bytes.append(contentsOf: plaintext)
        key.seal(inPlace: &bytes, from: headerBytes, purpose: purpose, sequence: sequence)
        return bytes
    }

    /// A packet of one payload frame, written straight into the packet's buffer: the same
    /// bytes as sealing `Frame.encode([.payload(payload)])`, without the frame list and the
    /// plaintext array in between.
    /// `buffer` is emptied and used for the packet (storage a sent packet left, for its room).
    static func seal(
        payload: [UInt8], peerID: PeerID, sequence: UInt64, key: PacketKey, purpose: NoncePurpose,
        in buffer: consuming [UInt8] = []
    ) -> [UInt8] {
        var bytes = startPacket(
            peerID: peerID, sequence: sequence, plaintextBytes: bytes(ofPayload: payload) - overheadBytes,
            in: consume buffer)
        Frame.appendPayload(payload, to: &bytes)
        key.seal(inPlace: &bytes, from: headerBytes, purpose: purpose, sequence: sequence)
        return bytes
    }

    /// The size of the packet ``seal(payload:peerID:sequence:key:purpose:in:)`` makes.
    static func bytes(ofPayload payload: [UInt8]) -> Int {
        overheadBytes + Frame.payloadOverheadBytes + payload.count
    }

    /// A buffer holding the header, with room for `plaintextBytes` and the tag.
    private static func startPacket(
        peerID: PeerID, sequence: UInt64, plaintextBytes: Int, in buffer: consuming [UInt8] = []
    ) -> [UInt8] {
        var bytes = consume buffer
        // Already empty when it comes from a stash (emptying an empty array is no free call).
        bytes.empty()
        bytes.reserveCapacity(overheadBytes + plaintextBytes)
        ConnectedHeader(peerID: peerID, sequence: sequence).append(to: &bytes)
        return bytes
    }

    package static func open(
        _ datagram: [UInt8], header: ConnectedHeader, sequence: UInt64, key: PacketKey, purpose: NoncePurpose,
        into buffer: consuming [UInt8] = []
    ) -> [UInt8]? {
        guard datagram.count >= minimumBytes else { return nil }
        // The header just parsed from these bytes is the associated data, as they stand.
        return key.open(datagram, sealedFrom: headerBytes, purpose: purpose, sequence: sequence, into: consume buffer)
    }
}

/// Rebuilds a 64-bit sequence number from its low 32 bits on the wire.
///
/// The receiver picks the value closest to one past the newest sequence it accepted (the rule
/// of QUIC, RFC 9000 §A.3). That is right while fewer than 2^31 packets are lost in a row; a
/// wrong guess only makes authentication fail (the nonce uses all 64 bits), never a mix-up.
package enum SequenceNumber {
    private static let window: UInt64 = 1 << 32
    private static let halfWindow: UInt64 = window / 2

    static func expand(_ truncated: UInt32, newest: UInt64?) -> UInt64 {
        let expected = newest.map { $0 &+ 1 } ?? 0
        let candidate = (expected & ~(window - 1)) | UInt64(truncated)
        if candidate <= expected &- halfWindow, expected >= halfWindow, candidate < UInt64.max - window {
            return candidate + window
        }
        if candidate > expected &+ halfWindow, expected <= UInt64.max - halfWindow, candidate >= window {
            return candidate - window
        }
        return candidate
    }
}
