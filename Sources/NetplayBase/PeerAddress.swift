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

    /// The packed form (family tag, address bytes, big-endian port) in its first bytes, zero
    /// after them, and its length in the last byte: at most ``maxPackedBytes``, which every
    /// address family's bytes fit (an IPv6 address with its scope id packs into 23). A plain
    /// value of three words, copied without reference counting: as an array, each datagram's
    /// source was an allocation, hashed byte by byte in the host's tables, retained and
    /// released at every copy, and each peer kept several on the heap.
    private var words: (UInt64, UInt64, UInt64) = (0, 0, 0)

    /// The longest packed form: the three words but the length byte.
    package static let maxPackedBytes = 23
    /// The most address bytes an address has (an IPv6 address and its 4-byte scope id).
    package static let maxAddressBytes = maxPackedBytes - 3

    /// Family tag, address bytes and big-endian port (a new array: for handshake cookies and
    /// shared plans, not for every datagram).
    package var bytes: [UInt8] {
        withUnsafeBytes(of: words) { Array($0.prefix(Int($0[Self.maxPackedBytes]))) }
    }

    /// Creates an address from its family, raw address bytes and port. `address` holds at
    /// most ``maxAddressBytes`` bytes, as every family's addresses do; decoders of untrusted
    /// bytes check the length for the family first.
    package init(family: Family, address: [UInt8], port: UInt16) {
        self.init(family: family, addressByteCount: address.count, port: port) { destination in
            address.withUnsafeBytes { destination.copyMemory(from: $0) }
        }
    }

    /// Creates an address whose `addressByteCount` raw bytes (at most ``maxAddressBytes``)
    /// `writeAddress` writes into the buffer it is given, exactly that many: the driver makes
    /// one for every datagram it reads, in place.
    package init(
        family: Family, addressByteCount: Int, port: UInt16, writeAddress: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        precondition(
            (0...Self.maxAddressBytes).contains(addressByteCount),
            "an address has at most \(Self.maxAddressBytes) bytes, not \(addressByteCount)")
        let total = 1 + addressByteCount + 2
        withUnsafeMutableBytes(of: &words) { packed in
            packed[0] = family.rawValue
            writeAddress(UnsafeMutableRawBufferPointer(rebasing: packed[1..<(1 + addressByteCount)]))
            packed[total - 2] = UInt8(port >> 8)
            packed[total - 1] = UInt8(port & 0xFF)
            packed[Self.maxPackedBytes] = UInt8(total)
        }
    }

    /// The packed byte at `offset`.
    private func byte(at offset: Int) -> UInt8 { withUnsafeBytes(of: words) { $0[offset] } }

    /// Bytes in the packed form.
    private var packedCount: Int { Int(byte(at: Self.maxPackedBytes)) }

    /// The family tag.
    public var family: Family? { packedCount > 0 ? Family(rawValue: byte(at: 0)) : nil }

    /// The port.
    public var port: UInt16 {
        let total = packedCount
        guard total >= 3 else { return 0 }
        return UInt16(byte(at: total - 2)) << 8 | UInt16(byte(at: total - 1))
    }

    public static func == (lhs: PeerAddress, rhs: PeerAddress) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
    }

    /// Runs `body` on the raw address bytes, without family tag and port, in place: for a
    /// driver that writes them into a socket address at every send.
    package func withAddressBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: words) { packed in
            let total = Int(packed[Self.maxPackedBytes])
            guard total >= 3 else { return body(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return body(UnsafeRawBufferPointer(rebasing: packed[1..<(total - 2)]))
        }
    }
    /// The raw address bytes, without family tag and port.
    package var addressBytes: ArraySlice<UInt8> {
        let bytes = bytes
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
