import NetplayWire

/// The first byte of every Netplay datagram. See `docs/PROTOCOL-handshake-draft.md`.
package enum PacketType: UInt8, Sendable {
    /// Client → host: first contact, padded to the anti-amplification floor.
    case hello = 1
    /// Host → client: a stateless cookie proving the client can receive at its address.
    case challenge = 2
    /// Client → host: echoes the cookie and proves it derived the session keys.
    case response = 3
    /// Host → client: the client is a peer now; sealed with the host→client key.
    case accepted = 4
    /// Host → client: the handshake is refused, and why.
    case denied = 5
    /// Either way: an encrypted, authenticated packet of frames.
    case connected = 6
}

/// Sizes of fixed protocol fields, in bytes.
package enum FieldSize {
    /// An X25519 public key.
    static let publicKey = 32
    /// A client's handshake nonce: 128 bits, so two attempts never collide by chance.
    static let clientNonce = 16
    /// A handshake cookie: HMAC-SHA256 truncated to 128 bits, enough against online forgery.
    static let cookie = 16
    /// A Poly1305 authentication tag.
    package static let tag = 16
    /// The cookie's timestamp: the host's clock in nanoseconds.
    static let timestamp = 8
    /// Requests from unproven addresses are padded to this, so no reply can amplify them.
    static let handshakeFloor = ProtocolConfig.minimumMTU
}

/// Reads one field, returning nil on short input, so parsers stay straight-line.
extension BitReader {
    mutating func u32() -> UInt32? { try? readFixed(UInt32.self) }
    mutating func u64() -> UInt64? { try? readFixed(UInt64.self) }
    package mutating func bytes(_ count: Int) -> [UInt8]? { try? readRawBytes(count) }
}

extension BitWriter {
    /// Pads with zero bytes up to `size` bytes in total.
    mutating func padToByteCount(_ size: Int) {
        let missing = size - bitCount / 8
        if missing > 0 { writeRawBytes([UInt8](repeating: 0, count: missing)) }
    }
}
