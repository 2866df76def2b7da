import NetplayBase
import NetplayWire

/// Mints and checks the stateless cookies a host hands out in `challenge` packets.
///
/// cookie = HMAC-SHA256(hostSecret, label ‖ u16 address length ‖ address ‖ timestamp ‖
/// client public key ‖ client nonce), first 16 bytes. A client can only echo a valid cookie if
/// it received the challenge at the address it claims, so the host keeps no state per hello
/// (a flood of spoofed hellos costs it one HMAC each and nothing in memory).
package struct CookieMinter: Sendable {
    static let label = Array("netplay-cookie-v1".utf8)
    /// Bytes in the host's secret: a full HMAC-SHA256 key.
    static let secretBytes = 32

    /// The host's secret; public only to test vectors, which publish a fixed one.
    package let secret: [UInt8]

    package init(random: inout ProtocolRandom) {
        secret = random.bytes(Self.secretBytes)
    }

    func cookie(address: PeerAddress, timestamp: UInt64, clientPublicKey: [UInt8], clientNonce: [UInt8])
        -> [UInt8]
    {
        var message = BitWriter(capacity: 96)
        message.writeRawBytes(Self.label)
        message.writeFixed(UInt16(truncatingIfNeeded: address.bytes.count))
        message.writeRawBytes(address.bytes)
        message.writeFixed(timestamp)
        message.writeRawBytes(clientPublicKey)
        message.writeRawBytes(clientNonce)
        return Array(HandshakeCrypto.authenticationCode(key: secret, message: message.bytes).prefix(FieldSize.cookie))
    }

    /// Nil if the cookie is authentic for these inputs and fresh at `now`; otherwise why not.
    func rejection(
        of cookie: [UInt8], address: PeerAddress, timestamp: UInt64, clientPublicKey: [UInt8],
        clientNonce: [UInt8], now: NetInstant, lifetime: Duration
    ) -> DropReason? {
        let expected = self.cookie(
            address: address, timestamp: timestamp, clientPublicKey: clientPublicKey, clientNonce: clientNonce)
        guard constantTimeEqual(cookie, expected) else { return .badCookie }
        // Timestamps are our own clock, so one "from the future" means a forged or corrupted cookie.
        let (age, overflow) = now.nanoseconds.subtractingReportingOverflow(Int64(bitPattern: timestamp))
        guard !overflow, age >= 0, age <= lifetime.nanosecondsClamped else { return .staleCookie }
        return nil
    }
}
