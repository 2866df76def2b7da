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
        let address = Array(addressBytes)
        switch family {
        case .ipv6? where !Self.isLinkLocal(address):
            let prefix = address.prefix(Self.ipv6PrefixBytes)
            let zeros = [UInt8](repeating: 0, count: 16 - prefix.count)
            return PeerAddress(family: .ipv6, address: Array(prefix) + zeros, port: 0)
        case let known?:
            return PeerAddress(family: known, address: address, port: 0)
        case nil:
            return self
        }
    }

    /// fe80::/10 (RFC 4291 §2.5.6).
    private static func isLinkLocal(_ address: [UInt8]) -> Bool {
        address.count >= 2 && address[0] == 0xFE && address[1] & 0xC0 == 0x80
    }
}
