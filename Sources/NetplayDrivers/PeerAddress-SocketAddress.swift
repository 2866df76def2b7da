import NIOCore
import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension PeerAddress {
    /// The peer address of an IP socket address, or `nil` for a Unix domain socket.
    ///
    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket reports for an
    /// IPv4 sender) becomes the plain IPv4 address, so one peer has one identity whichever
    /// socket it reached. A link-local IPv6 address keeps its scope id (the interface), after
    /// its 16 bytes, big-endian.
    package init?(_ socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let ipv4): self.init(ipv4.address)
        case .v6(let ipv6): self.init(ipv6.address)
        case .unixDomainSocket: return nil
        }
    }

    /// The peer address of an IPv6 socket address, written in place: once per datagram a
    /// dual-stack or IPv6 socket reads, where going through SwiftNIO's `SocketAddress` (a
    /// boxed storage) and arrays of the bytes cost two to four allocations a datagram.
    package init(_ raw: sockaddr_in6) {
        let port = UInt16(bigEndian: raw.sin6_port)
        // A dual-stack host (the default) reads every IPv4 datagram this way.
        let prefix = Self.ipv4MappedPrefix
        let isMapped = withUnsafeBytes(of: raw.sin6_addr) { address in
            prefix.withUnsafeBytes { address.starts(with: $0) }
        }
        if isMapped {
            self.init(family: .ipv4, addressByteCount: Self.ipv4AddressBytes, port: port) { bytes in
                withUnsafeBytes(of: raw.sin6_addr) { mapped in
                    bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: mapped[prefix.count...]))
                }
            }
            return
        }
        // A link-local address (fe80::/10, the source of every IPv6 discovery reply on a
        // link without global addresses) means nothing without its interface: its scope id
        // follows the 16 bytes, big-endian.
        let scope = raw.sin6_scope_id
        let count = scope != 0 ? Self.scopedIPv6AddressBytes : Self.ipv6AddressBytes
        self.init(family: .ipv6, addressByteCount: count, port: port) { bytes in
            withUnsafeBytes(of: raw.sin6_addr) { bytes.copyMemory(from: $0) }
            guard scope != 0 else { return }
            withUnsafeBytes(of: scope.bigEndian) {
                UnsafeMutableRawBufferPointer(rebasing: bytes[Self.ipv6AddressBytes...]).copyMemory(from: $0)
            }
        }
    }

    /// The peer address of an IPv4 socket address: the common case, once per datagram read,
    /// where the bytes go straight into the address (without SwiftNIO's `SocketAddress`, whose
    /// storage is an allocation of its own).
    package init(_ raw: sockaddr_in) {
        self.init(family: .ipv4, addressByteCount: Self.ipv4AddressBytes, port: UInt16(bigEndian: raw.sin_port)) {
            bytes in
            withUnsafeBytes(of: raw.sin_addr) { bytes.copyMemory(from: $0) }
        }
    }

    /// The peer address of a socket address the system wrote (a read's source, a socket's
    /// own name); nil if it is not an IPv4 or IPv6 address. No text is made, where SwiftNIO's
    /// `SocketAddress(sockaddr_in)` formats one with `inet_ntop`.
    package init?(_ storage: sockaddr_storage) {
        var storage = storage
        switch CInt(storage.ss_family) {
        case AF_INET:
            self.init(withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) })
        case AF_INET6:
            self.init(withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) })
        default:
            return nil
        }
    }

    /// `::ffff:0:0/96`, the IPv4-mapped IPv6 prefix (RFC 4291 §2.5.5.2).
    static let ipv4MappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]
    /// Address bytes of an IPv4 address.
    static let ipv4AddressBytes = 4
    /// Address bytes of an IPv6 address.
    static let ipv6AddressBytes = 16
    /// An IPv6 address followed by its 4-byte interface scope id.
    static let scopedIPv6AddressBytes = 20
}

extension SocketAddress {
    /// The socket address for a peer, or `nil` if the peer is not an IP address (an
    /// in-memory node) or is malformed.
    ///
    /// With `mapsIPv4ToIPv6`, an IPv4 peer becomes `::ffff:a.b.c.d` so that a dual-stack IPv6
    /// socket can reach it.
    package init?(_ peer: PeerAddress, mapsIPv4ToIPv6: Bool) {
        let socketFamily: PeerAddress.Family = mapsIPv4ToIPv6 || peer.family == .ipv6 ? .ipv6 : .ipv4
        guard let name = SocketName(peer, socketFamily: socketFamily) else { return nil }
        self = name.withSockAddr { address, length in
            let raw = UnsafeRawPointer(address)
            return length == MemoryLayout<sockaddr_in>.size
                ? SocketAddress(raw.load(as: sockaddr_in.self), host: "")
                : SocketAddress(raw.load(as: sockaddr_in6.self), host: "")
        }
    }
}
