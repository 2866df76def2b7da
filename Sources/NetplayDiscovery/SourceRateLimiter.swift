import NetplayBase

/// A token bucket per source address, in a table of bounded size: answers at most
/// `burst` queries at once and `perSecond` after that from any one address, so a host cannot be
/// made into a reflector, and a flood of fake sources cannot grow its memory.
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
    mutating func allow(_ source: PeerAddress, now: NetInstant) -> Bool {
        var bucket = buckets[source] ?? Bucket(tokens: burst, lastRefill: now)
        let elapsed = max(0, (now - bucket.lastRefill).secondsDouble)
        bucket.tokens = min(burst, bucket.tokens + elapsed * perSecond)
        bucket.lastRefill = now
        guard bucket.tokens >= 1 else {
            buckets[source] = bucket
            return false
        }
        bucket.tokens -= 1
        if buckets[source] == nil && buckets.count >= maxSources { evictFullest(now: now) }
        buckets[source] = bucket
        return true
    }

    /// Forgets the source whose bucket has been refilling longest: it is full (or nearly),
    /// so forgetting it loses nothing an attacker could use.
    private mutating func evictFullest(now: NetInstant) {
        if let oldest = buckets.min(by: { $0.value.lastRefill < $1.value.lastRefill })?.key {
            buckets[oldest] = nil
        }
    }
}
