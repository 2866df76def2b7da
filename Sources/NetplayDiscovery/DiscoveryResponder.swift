import NetplayBase

/// The host side of LAN discovery, sans-I/O: turns queries into adverts.
///
/// Answers only well-formed, full-size queries for its game, at most a few per second per
/// source; every ignored datagram is counted by reason.
package struct DiscoveryResponder: Sendable {
    /// Answers allowed per source per second after the burst, and the burst.
    static let answersPerSecond = 4.0
    static let answerBurst = 8.0
    /// Sources remembered by the rate limiter; more evict the longest idle.
    static let maxTrackedSources = 1024

    /// Why a datagram got no answer.
    package enum IgnoredReason: Sendable, Hashable, CaseIterable {
        /// Not a discovery query of this version, or not padded to full size.
        case malformed
        /// A query for another game.
        case otherGame
        /// The source asked too often.
        case rateLimited
        /// A copy of a query already answered: a browser sends each query by broadcast and by
        /// multicast, and one answer is enough.
        case duplicate
    }

    /// What this host advertises; update players as they come and go.
    package var advert: GameAdvert
    private var limiter = SourceRateLimiter(
        perSecond: answersPerSecond, burst: answerBurst, maxSources: maxTrackedSources)
    /// The nonce last answered per source, so each query's copies cost one answer (and one
    /// rate-limit token). Bounded like the limiter: past the bound it starts over, which at
    /// worst answers a copy twice.
    private var answeredNonces: [PeerAddress: UInt32] = [:]
    /// Ignored datagrams by reason.
    package private(set) var ignored: [IgnoredReason: Int] = [:]

    /// Creates a responder for `advert`.
    package init(advert: GameAdvert) { self.advert = advert }

    /// The reply to a datagram from `source`, or nil (and a counted reason) when none is due.
    package mutating func answer(_ datagram: [UInt8], from source: PeerAddress, now: NetInstant) -> [UInt8]? {
        guard let query = DiscoveryPacket.decodeQuery(datagram) else { return ignore(.malformed) }
        guard query.gameFilter.isEmpty || query.gameFilter == advert.gameName else { return ignore(.otherGame) }
        guard answeredNonces[source] != query.nonce else { return ignore(.duplicate) }
        guard limiter.allow(source, now: now) else { return ignore(.rateLimited) }
        if answeredNonces.count >= Self.maxTrackedSources { answeredNonces.removeAll(keepingCapacity: true) }
        answeredNonces[source] = query.nonce
        return DiscoveryPacket.encode(DiscoveryPacket.Advert(kind: .reply, nonce: query.nonce, advert: advert))
    }

    /// An unasked advert: sent when the host starts and whenever its player count changes.
    package func announcement() -> [UInt8] {
        DiscoveryPacket.encode(DiscoveryPacket.Advert(kind: .announce, nonce: 0, advert: advert))
    }

    /// The advert sent when the host stops, so browsers drop it at once.
    package func goodbye() -> [UInt8] {
        DiscoveryPacket.encode(DiscoveryPacket.Advert(kind: .goodbye, nonce: 0, advert: advert))
    }

    /// Number of sources the rate limiter remembers (bounded).
    var trackedSources: Int { limiter.buckets.count }

    private mutating func ignore(_ reason: IgnoredReason) -> [UInt8]? {
        ignored[reason, default: 0] += 1
        return nil
    }
}
