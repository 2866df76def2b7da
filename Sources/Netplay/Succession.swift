import NetplayBase
import NetplayProtocol
import NetplayWire

/// Host migration's plan, as the host shares it with every client whenever a player joins or
/// leaves: who takes over if the host goes (in order), where each can be reached, and the
/// secret that admits only this session's players (see `Rejoin`).
///
/// Bytes (docs/PROTOCOL.md §7.1): `u8 0x53 ‖ u8 version = 1 ‖ secret(32) ‖ u8 count ‖ count × member`,
/// a member being `u32 peer id ‖ u8 length ‖ address`, the address packed as the cookie packs
/// it: family tag (4 or 6), address bytes (4, or 16 plus an optional 4-byte scope), port.
package struct Succession: Sendable, Hashable {
    package struct Member: Sendable, Hashable {
        package var peer: PeerID
        /// Where the host receives this player's packets from, so where the others find it.
        package var address: PeerAddress

        package init(peer: PeerID, address: PeerAddress) {
            self.peer = peer
            self.address = address
        }
    }

    /// The first byte, which tells a succession list from the welcome and roster that share
    /// its channel.
    static let marker: UInt8 = 0x53
    static let version: UInt8 = 1
    /// More players than any host seats (the protocol's peer limit is far lower in practice).
    static let maxMembers = 255

    package var secret: [UInt8]
    /// Oldest player first: the one who has been there longest takes over.
    package var members: [Member]

    package var bytes: [UInt8] {
        var writer = BitWriter(capacity: 2 + secret.count + members.count * 23)
        writer.writeFixed(Self.marker)
        writer.writeFixed(Self.version)
        writer.writeRawBytes(secret)
        writer.writeFixed(UInt8(clamping: members.count))
        for member in members.prefix(Self.maxMembers) {
            writer.writeFixed(member.peer.rawValue)
            writer.writeFixed(UInt8(clamping: member.address.bytes.count))
            writer.writeRawBytes(member.address.bytes)
        }
        return writer.finish()
    }

    package init(secret: [UInt8], members: [Member]) {
        self.secret = secret
        self.members = members
    }

    /// Parses a succession list; nil for anything malformed (a hostile or buggy host).
    package init?(bytes: [UInt8]) { self.init(bytes: bytes[...]) }

    /// Parses a succession list read in place; nil for anything malformed.
    package init?(bytes: ArraySlice<UInt8>) {
        var reader = BitReader(bytes)
        guard reader.readByte() == Self.marker, reader.readByte() == Self.version,
            let secret = try? reader.readRawBytes(Rejoin.secretByteCount),
            let count = reader.readByte()
        else { return nil }
        var members: [Member] = []
        for _ in 0..<count {
            guard let raw = (try? reader.readFixed(UInt32.self)), let length = reader.readByte(),
                let packed = try? reader.readRawBytes(Int(length)), let address = Self.address(packed)
            else { return nil }
            members.append(Member(peer: PeerID(rawValue: raw), address: address))
        }
        guard reader.remainingBits < 8 else { return nil }
        self.init(secret: secret, members: members)
    }
}

extension Succession {
    /// A packed address of a family and length a member can have (IPv4, IPv6 with or without
    /// a scope, or a simulated network's node); anything else is refused.
    private static func address(_ packed: [UInt8]) -> PeerAddress? {
        guard packed.count >= 3, let family = PeerAddress.Family(rawValue: packed[0]) else { return nil }
        let addressLength = packed.count - 3
        switch (family, addressLength) {
        case (.ipv4, 4), (.ipv6, 16), (.ipv6, 20), (.memory, 8): break
        default: return nil
        }
        let port = UInt16(packed[packed.count - 2]) << 8 | UInt16(packed[packed.count - 1])
        return PeerAddress(family: family, address: Array(packed[1..<(packed.count - 2)]), port: port)
    }
}

extension BitReader {
    fileprivate mutating func readByte() -> UInt8? { try? readFixed(UInt8.self) }
}
