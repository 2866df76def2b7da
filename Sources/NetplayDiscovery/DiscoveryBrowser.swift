import NetplayBase

/// What a browse reports.
public enum DiscoveryEvent: Sendable, Hashable {
    /// A game seen for the first time.
    case found(FoundGame)
    /// A known game changed (players, address, name).
    case updated(FoundGame)
    /// A game said goodbye or has not been heard from for three seconds.
    case lost(FoundGame)
}

/// The joining side of LAN discovery, sans-I/O: queries out, adverts in, found / updated /
/// lost games out. Several hosts on one machine are told apart by their instance ids;
/// incompatible games are listed as such, not hidden.
package struct DiscoveryBrowser: Sendable {
    /// A game not heard from for this long is reported lost: three missed refreshes.
    static let expiry = Duration.seconds(3)

    /// The game to look for (empty: any).
    package let gameFilter: String
    /// This program's protocol version and schema fingerprint, to judge compatibility.
    package let protocolVersion: UInt32
    package let schemaFingerprint: [UInt8]

    private var games: [UInt64: (game: FoundGame, lastHeard: NetInstant)] = [:]
    private var nonce: UInt32
    /// Datagrams that were not adverts (or were for another game); counted, never trusted.
    package private(set) var ignoredDatagrams = 0
    /// Most games remembered: a LAN full of hosts is far smaller; a flood of fakes is not.
    static let maxGames = 256

    /// Creates a browser.
    package init(gameFilter: String, protocolVersion: UInt32, schemaFingerprint: [UInt8], nonceSeed: UInt32) {
        self.gameFilter = gameFilter
        self.protocolVersion = protocolVersion
        self.schemaFingerprint = schemaFingerprint
        nonce = nonceSeed
    }

    /// A fresh query to broadcast.
    package mutating func makeQuery() -> [UInt8] {
        nonce &+= 1
        return DiscoveryPacket.encode(DiscoveryPacket.Query(nonce: nonce, gameFilter: gameFilter))
    }

    /// Takes in a datagram from `source`; returns what changed.
    package mutating func receive(_ datagram: [UInt8], from source: PeerAddress, now: NetInstant) -> [DiscoveryEvent] {
        guard let packet = DiscoveryPacket.decodeAdvert(datagram),
            gameFilter.isEmpty || packet.advert.gameName == gameFilter
        else {
            ignoredDatagrams += 1
            return []
        }
        let advert = packet.advert
        let known = games[advert.hostInstanceID]
        // A host reachable several ways (IPv4 and IPv6, two interfaces) answers on each; the
        // first address heard stays, so a listed game's address does not flip at every refresh.
        let heardAt = PeerAddress(
            family: source.family ?? .ipv4, address: Array(source.addressBytes), port: advert.gamePort)
        let address = known?.game.address.port == advert.gamePort ? known?.game.address ?? heardAt : heardAt
        let game = FoundGame(advert: advert, address: address, compatibility: compatibility(of: advert))
        if packet.kind == .goodbye {
            guard let known else { return [] }
            games[advert.hostInstanceID] = nil
            return [.lost(known.game)]
        }
        guard known != nil || games.count < Self.maxGames else {
            ignoredDatagrams += 1
            return []
        }
        games[advert.hostInstanceID] = (game, now)
        if let known {
            return known.game == game ? [] : [.updated(game)]
        }
        return [.found(game)]
    }

    /// Expires games not heard from for ``expiry``.
    package mutating func update(now: NetInstant) -> [DiscoveryEvent] {
        let expired = games.filter { now - $0.value.lastHeard > Self.expiry }
        for key in expired.keys { games[key] = nil }
        return expired.values.sorted { $0.game.advert.hostInstanceID < $1.game.advert.hostInstanceID }.map {
            .lost($0.game)
        }
    }

    /// The games known now, by host instance id.
    package var currentGames: [FoundGame] {
        games.values.map(\.game).sorted { $0.advert.hostInstanceID < $1.advert.hostInstanceID }
    }

    private func compatibility(of advert: GameAdvert) -> GameCompatibility {
        if advert.protocolVersion != protocolVersion {
            return .versionMismatch(local: protocolVersion, remote: advert.protocolVersion)
        }
        if advert.schemaFingerprint != schemaFingerprint { return .schemaMismatch }
        return .compatible
    }
}
