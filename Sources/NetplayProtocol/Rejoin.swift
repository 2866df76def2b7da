import NetplayBase
import NetplayWire

/// Host migration's admission ticket: how a player of a session whose host left proves, to the
/// player taking over, that it belongs to that session and which seat it held.
///
/// The old host shares a random secret with its players. A player rejoining the successor as
/// peer `p` uses, in place of the game's join code, the *rejoin code* of `p`, and names `p` in
/// its response's padding. The successor derives the keys with the same code (it holds the
/// secret), so the ordinary key-confirmation tag (§3.3) proves both the membership and the
/// claimed seat: no new cryptography, no new round trip.
package enum Rejoin {
    /// Bytes in a session's migration secret.
    package static let secretByteCount = 32
    /// The first byte after a response's confirmation tag when a rejoin peer id follows; a
    /// plain response has zero padding there.
    static let marker: UInt8 = 0x52
    private static let label = Array("netplay-rejoin-v1".utf8)

    /// The join code `peer` rejoins with: HMAC-SHA256(key: secret, "netplay-rejoin-v1" ‖ u32
    /// peer id), as 64 lowercase hexadecimal digits.
    package static func code(secret: [UInt8], peer: PeerID) -> String {
        var writer = BitWriter(capacity: label.count + 4)
        writer.writeRawBytes(label)
        writer.writeFixed(peer.rawValue)
        let mac = HandshakeCrypto.authenticationCode(key: secret, message: writer.finish())
        return mac.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }.joined()
    }
}
