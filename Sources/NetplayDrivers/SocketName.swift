import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A peer's address as a socket of one family's send calls take it: a `sockaddr_in` or
/// `sockaddr_in6` written from the `PeerAddress`'s bytes at each send, in a plain value.
///
/// Drivers kept a table of SwiftNIO `SocketAddress`es by `PeerAddress` instead, because
/// making one allocates: every datagram sent hashed its destination to look it up, and every
/// peer a host served kept a table entry and an allocation of its own (about 110 bytes a
/// peer). Written here, a name costs a few stores and keeps nothing.
///
/// An IPv6 socket reaches IPv4 peers through IPv4-mapped addresses (`::ffff:a.b.c.d`); an
/// IPv4 socket cannot reach IPv6 peers at all.
struct SocketName {
    /// Room for either kind; an IPv4 name uses its first `sockaddr_in` bytes.
    let storage: sockaddr_in6
    /// Bytes of `storage` that make the name.
    let length: socklen_t

    /// The name to send `peer`'s datagrams to from a socket of `socketFamily`, or nil if that
    /// socket cannot reach it (an IPv6 peer from an IPv4 socket, an in-memory node, a
    /// malformed address).
    init?(_ peer: PeerAddress, socketFamily: PeerAddress.Family) {
        let port = peer.port.bigEndian
        var storage = sockaddr_in6()
        let length: socklen_t? = peer.withAddressBytes { address in
            switch (peer.family, address.count, socketFamily) {
            case (.ipv4, PeerAddress.ipv4AddressBytes, .ipv4):
                var name = sockaddr_in()
                name.sin_family = sa_family_t(AF_INET)
                name.sin_port = port
                withUnsafeMutableBytes(of: &name.sin_addr) { $0.copyMemory(from: address) }
                #if canImport(Darwin)
                name.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
                #endif
                withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: name, as: sockaddr_in.self) }
                return socklen_t(MemoryLayout<sockaddr_in>.size)
            case (.ipv4, PeerAddress.ipv4AddressBytes, .ipv6):
                storage = Self.ipv6Name(port: port) { bytes in
                    let prefix = PeerAddress.ipv4MappedPrefix.count
                    PeerAddress.ipv4MappedPrefix.withUnsafeBytes { bytes.copyMemory(from: $0) }
                    UnsafeMutableRawBufferPointer(rebasing: bytes[prefix...]).copyMemory(from: address)
                }
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            case (.ipv6, PeerAddress.ipv6AddressBytes, .ipv6), (.ipv6, PeerAddress.scopedIPv6AddressBytes, .ipv6):
                let ip = UnsafeRawBufferPointer(rebasing: address.prefix(PeerAddress.ipv6AddressBytes))
                storage = Self.ipv6Name(port: port) { $0.copyMemory(from: ip) }
                // A scoped address keeps its scope id, big-endian, after the 16 bytes (see
                // `PeerAddress(_:)`): a link-local peer means nothing without its interface.
                storage.sin6_scope_id = address.dropFirst(PeerAddress.ipv6AddressBytes).reduce(UInt32(0)) {
                    $0 << 8 | UInt32($1)
                }
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            default:
                return nil
            }
        }
        guard let length else { return nil }
        self.storage = storage
        self.length = length
    }

    /// The name for `peer`, counting a peer the socket cannot reach in `statistics` as a
    /// dropped datagram: what every send path does with it.
    static func of(
        _ peer: PeerAddress, socketFamily: PeerAddress.Family, countingDropsIn statistics: inout UDPDriver.Statistics
    ) -> SocketName? {
        guard let name = SocketName(peer, socketFamily: socketFamily) else {
            statistics.droppedUnsupportedAddress += 1
            return nil
        }
        return name
    }

    /// Runs `body` with the name as the system's calls take it.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafePointer(to: storage) { name in
            name.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// The IPv6 name on `port` (network order) whose 16 address bytes `writeAddress` writes.
    private static func ipv6Name(port: UInt16, writeAddress: (UnsafeMutableRawBufferPointer) -> Void) -> sockaddr_in6 {
        var name = sockaddr_in6()
        name.sin6_family = sa_family_t(AF_INET6)
        name.sin6_port = port
        withUnsafeMutableBytes(of: &name.sin6_addr) { writeAddress($0) }
        #if canImport(Darwin)
        name.sin6_len = UInt8(MemoryLayout<sockaddr_in6>.size)
        #endif
        return name
    }
}
