/// A token bucket per source address, in a table of bounded size: answers at most
/// `burst` queries at once and `perSecond` after that from any one address, so a host cannot be
/// made into a reflector, and a flood of fake sources cannot grow its memory.
///
/// Shared by everything that answers unauthenticated datagrams: LAN discovery keys it by the
/// full source address, the handshake by ``PeerAddress/source`` (the address without its port,
/// so one machine cannot multiply its allowance by opening more sockets).
package struct SourceRateLimiter: Sendable {
    package struct Bucket: Sendable {
        var tokens: Double
        var lastRefill: NetInstant
    }

    let perSecond: Double
    package let burst: Double
    let maxSources: Int
    package private(set) var buckets: [PeerAddress: Bucket] = [:]

    package init(perSecond: Double, burst: Double, maxSources: Int) {
        self.perSecond = perSecond
        self.burst = burst
        self.maxSources = maxSources
    }

    /// Takes a token for `source`; false when it has none left.
    package mutating func allow(_ source: PeerAddress, now: NetInstant) -> Bool {
        var bucket = buckets[source] ?? Bucket(tokens: burst, lastRefill: now)
        let elapsed = max(0, (now - bucket.lastRefill).secondsDouble)
        bucket.tokens = min(burst, bucket.tokens + elapsed * perSecond)
        bucket.lastRefill = now
        guard bucket.tokens >= 1 else {
            buckets[source] = bucket
            return false
        }
        bucket.tokens -= 1
        if buckets[source] == nil && buckets.count >= maxSources { makeRoom(now: now) }
        buckets[source] = bucket
        return true
    }

    /// Forgets every source whose bucket has refilled (forgetting it loses nothing an attacker
    /// could use); if that frees less than an eighth of the table, forgets all of them. Either
    /// way each sweep frees at least an eighth, so a flood of fresh (spoofed) sources costs
    /// O(1) amortised per datagram instead of a scan per datagram.
    private mutating func makeRoom(now: NetInstant) {
        let before = buckets.count
        buckets = buckets.filter { _, bucket in
            bucket.tokens + max(0, (now - bucket.lastRefill).secondsDouble) * perSecond < burst
        }
        if buckets.count > before - max(1, maxSources / Self.minimumSweepFraction) { buckets = [:] }
    }

    /// A sweep frees at least 1/8 of the table.
    private static let minimumSweepFraction = 8
}
