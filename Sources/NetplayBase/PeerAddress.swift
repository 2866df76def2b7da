/// Where a datagram came from or goes to, as the protocol core sees it: an opaque,
/// hashable byte string (address family, address bytes, port).
///
/// The core never opens sockets; drivers translate their own addresses (a NIO
/// `SocketAddress`, an in-memory node id) to and from this form. The bytes also feed the
/// handshake cookie, which binds a client's proof of address to exactly these bytes.
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    /// Address family tags used in the packed bytes.
    public enum Family: UInt8, Sendable {
        /// An IPv4 address: 4 address bytes, then the port.
        case ipv4 = 4
        /// An IPv6 address: 16 address bytes, then the port.
        case ipv6 = 6
        /// A node of the in-memory test network: an 8-byte node id, then the port.
        case memory = 0x4D
    }

    /// Family tag, address bytes and big-endian port.
    package let bytes: [UInt8]

    /// Creates an address from its family, raw address bytes and port.
    public init(family: Family, address: [UInt8], port: UInt16) {
        self.init(family: family, addressByteCount: address.count, port: port) { $0.append(contentsOf: address) }
    }

    /// Creates an address whose `addressByteCount` raw bytes `appendAddress` appends, in one
    /// allocation of the exact size (hosts keep addresses per peer): the driver makes one for
    /// every datagram it reads.
    package init(family: Family, addressByteCount: Int, port: UInt16, appendAddress: (inout [UInt8]) -> Void) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1 + addressByteCount + 2)
        bytes.append(family.rawValue)
        appendAddress(&bytes)
        bytes.append(UInt8(port >> 8))
        bytes.append(UInt8(port & 0xFF))
        self.bytes = bytes
    }

    /// The family tag.
    public var family: Family? { bytes.first.flatMap(Family.init(rawValue:)) }

    /// The port.
    public var port: UInt16 {
        guard bytes.count >= 3 else { return 0 }
        return UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
    }

    /// The raw address bytes, without family tag and port.
    package var addressBytes: ArraySlice<UInt8> {
        guard bytes.count >= 3 else { return [] }
        return bytes[1..<(bytes.count - 2)]
    }

    /// An in-memory network address.
    package static func memory(node: UInt64, port: UInt16) -> PeerAddress {
        let nodeBytes = (0..<8).map { UInt8(truncatingIfNeeded: node >> (8 * UInt64(7 - $0))) }
        return PeerAddress(family: .memory, address: nodeBytes, port: port)
    }

    public var description: String {
        let address = addressBytes
        switch family {
        case .ipv4: return address.map(String.init).joined(separator: ".") + ":\(port)"
        case .ipv6:
            let ip = address.prefix(16)
            let groups = stride(from: ip.startIndex, to: ip.endIndex, by: 2).map {
                String(UInt16(ip[$0]) << 8 | UInt16(ip[$0 + 1]), radix: 16)
            }
            let scope =
                address.count > 16 ? "%" + String(address.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) : ""
            return "[" + groups.joined(separator: ":") + scope + "]:\(port)"
        case .memory:
            let node = address.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return "mem\(node):\(port)"
        case nil: return "invalid-address"
        }
    }
}
