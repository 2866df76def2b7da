import NetplayWire

/// The two datagrams of LAN discovery, byte-aligned (see docs/PROTOCOL.md, "Discovery").
///
/// A query is padded to ``queryBytes``; an advert is at most ``maxAdvertBytes``, which is
/// smaller, so a host never answers a (possibly spoofed) query with more bytes than it got.
package enum DiscoveryPacket {
    static let queryMagic: [UInt8] = Array("NPLQ".utf8)
    static let advertMagic: [UInt8] = Array("NPLA".utf8)
    package static let formatVersion: UInt8 = 1
    /// Every query is exactly this long: room for the largest advert, so replies never amplify.
    package static let queryBytes = 160
    /// Magic 4 + version 1 + kind 1 + nonce 4 + instance 8 + protocol version 4 + fingerprint 16
    /// + port 2 + players 1 + capacity 1 + flags 1 + two names (1-byte length + 32 bytes each).
    static let maxAdvertBytes = 43 + 2 * (1 + GameAdvert.maxNameBytes)

    /// Why an advert was sent.
    package enum AdvertKind: UInt8 {
        /// In answer to a query (echoes its nonce).
        case reply = 0
        /// Unasked, when the host starts or its player count changes.
        case announce = 1
        /// Unasked, when the host stops: browsers drop the game at once.
        case goodbye = 2
    }

    package struct Query: Equatable {
        package var nonce: UInt32
        /// Only hosts of this game answer; empty means every game.
        package var gameFilter: String
    }

    package struct Advert: Equatable {
        package var kind: AdvertKind
        package var nonce: UInt32
        package var advert: GameAdvert
    }

    package static func encode(_ query: Query) -> [UInt8] {
        var writer = BitWriter(capacity: queryBytes)
        writer.writeRawBytes(queryMagic)
        writer.writeFixed(formatVersion)
        writer.writeFixed(query.nonce)
        // The filter is a game name, already capped by GameAdvert.shortened.
        try? writer.writeString(GameAdvert.shortened(query.gameFilter))
        var bytes = writer.finish()
        bytes.append(contentsOf: [UInt8](repeating: 0, count: max(0, queryBytes - bytes.count)))
        return bytes
    }

    static func decodeQuery(_ bytes: [UInt8]) -> Query? {
        guard bytes.count == queryBytes, Array(bytes.prefix(4)) == queryMagic else { return nil }
        var reader = BitReader(bytes)
        do {
            _ = try reader.readRawBytes(4)
            guard try reader.readFixed(UInt8.self) == formatVersion else { return nil }
            let nonce = try reader.readFixed(UInt32.self)
            let filter = try reader.readString("game filter", maxBytes: GameAdvert.maxNameBytes)
            return Query(nonce: nonce, gameFilter: filter)
        } catch {
            return nil
        }
    }

    package static func encode(_ packet: Advert) -> [UInt8] {
        let advert = packet.advert
        var writer = BitWriter(capacity: maxAdvertBytes)
        writer.writeRawBytes(advertMagic)
        writer.writeFixed(formatVersion)
        writer.writeFixed(packet.kind.rawValue)
        writer.writeFixed(packet.nonce)
        writer.writeFixed(advert.hostInstanceID)
        writer.writeFixed(advert.protocolVersion)
        writer.writeRawBytes(
            advert.schemaFingerprint.count == SchemaFingerprint.byteCount
                ? advert.schemaFingerprint : [UInt8](repeating: 0, count: SchemaFingerprint.byteCount))
        writer.writeFixed(advert.gamePort)
        writer.writeFixed(UInt8(clamping: advert.players))
        writer.writeFixed(UInt8(clamping: advert.capacity))
        writer.writeFixed(UInt8(advert.requiresJoinCode ? 1 : 0))
        try? writer.writeString(GameAdvert.shortened(advert.gameName))
        try? writer.writeString(GameAdvert.shortened(advert.hostName))
        return writer.finish()
    }

    static func decodeAdvert(_ bytes: [UInt8]) -> Advert? {
        guard bytes.count <= maxAdvertBytes, Array(bytes.prefix(4)) == advertMagic else { return nil }
        var reader = BitReader(bytes)
        do {
            _ = try reader.readRawBytes(4)
            guard try reader.readFixed(UInt8.self) == formatVersion,
                let kind = AdvertKind(rawValue: try reader.readFixed(UInt8.self))
            else { return nil }
            let nonce = try reader.readFixed(UInt32.self)
            let instance = try reader.readFixed(UInt64.self)
            let version = try reader.readFixed(UInt32.self)
            let fingerprint = try reader.readRawBytes(SchemaFingerprint.byteCount)
            let port = try reader.readFixed(UInt16.self)
            let players = Int(try reader.readFixed(UInt8.self))
            let capacity = Int(try reader.readFixed(UInt8.self))
            let flags = try reader.readFixed(UInt8.self)
            let game = try reader.readString("game name", maxBytes: GameAdvert.maxNameBytes)
            let host = try reader.readString("host name", maxBytes: GameAdvert.maxNameBytes)
            try reader.expectEnd()
            let advert = GameAdvert(
                hostInstanceID: instance, gameName: game, hostName: host, players: players, capacity: capacity,
                protocolVersion: version, schemaFingerprint: fingerprint, gamePort: port,
                requiresJoinCode: flags & 1 == 1)
            return Advert(kind: kind, nonce: nonce, advert: advert)
        } catch {
            return nil
        }
    }
}
