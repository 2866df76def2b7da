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
        var reader = BitReader(datagram)
        guard reader.bytes(1) == [PacketType.connected.rawValue], let peer = reader.u32(), let low = reader.u32()
        else { return nil }
        peerID = PeerID(rawValue: peer)
        truncatedSequence = low
    }

    /// The header's bytes: the associated data of the packet's seal.
    package var bytes: [UInt8] {
        var writer = BitWriter(capacity: ConnectedPacket.headerBytes)
        writer.writeFixed(PacketType.connected.rawValue)
        writer.writeFixed(peerID.rawValue)
        writer.writeFixed(truncatedSequence)
        return writer.finish()
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
        let header = ConnectedHeader(peerID: peerID, sequence: sequence).bytes
        return header + key.seal(plaintext, purpose: purpose, sequence: sequence, aad: header)
    }

    package static func open(
        _ datagram: [UInt8], header: ConnectedHeader, sequence: UInt64, key: PacketKey, purpose: NoncePurpose
    ) -> [UInt8]? {
        guard datagram.count >= minimumBytes else { return nil }
        return key.open(datagram[headerBytes...], purpose: purpose, sequence: sequence, aad: header.bytes)
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
