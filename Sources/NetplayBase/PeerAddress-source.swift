extension PeerAddress {
    /// Bytes of an IPv6 routing prefix: a /64 is what one subscriber or one LAN gets, so an
    /// attacker holding one has 2^64 addresses but still only one source.
    static let ipv6PrefixBytes = 8

    /// The machine (or network) a datagram came from, for per-source limits: the address with
    /// its port set to 0, and for a global IPv6 address only its /64 prefix. A link-local IPv6
    /// address (fe80::/10) keeps all its bytes: every machine on a link shares one prefix, so a
    /// LAN party over IPv6 would otherwise count as one source.
    ///
    /// A limit keyed by the full address would let one machine multiply its allowance by
    /// opening more sockets; players behind one NAT share a source, which is why per-source
    /// defaults still leave room for a LAN party.
    package var source: PeerAddress {
        guard let family else { return self }
        let packed = bytes
        let addressBytes = packed.count - 3
        // Computed where it is needed (an admission, a handshake's rate limit), not kept per
        // peer: from the packed bytes, with no array but this one.
        let isGlobalIPv6 = family == .ipv6 && !Self.isLinkLocal(packed[1...])
        let kept = isGlobalIPv6 ? Self.ipv6PrefixBytes : addressBytes
        let count = isGlobalIPv6 ? 16 : addressBytes
        return PeerAddress(family: family, addressByteCount: count, port: 0) { destination in
            destination.initializeMemory(as: UInt8.self, repeating: 0)
            packed.withUnsafeBytes {
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[1..<(1 + kept)]))
            }
        }
    }

    /// fe80::/10 (RFC 4291 §2.5.6).
    private static func isLinkLocal(_ address: ArraySlice<UInt8>) -> Bool {
        address.count >= 2 && address[address.startIndex] == 0xFE && address[address.startIndex + 1] & 0xC0 == 0x80
    }
}
