import NetplayBase

/// Whether the peer is really receiving: keepalives prove it is alive, only acknowledgements
/// prove it reads what is sent.
extension ChannelEndpoint {
    /// Whether reliable data has been outstanding for `limit` with not one piece acknowledged
    /// meanwhile. A slow but working peer acknowledges something every round trip (resends
    /// included), so only a peer that does not receive, or pretends not to, gets here; its
    /// owner should close the connection rather than hold its unacknowledged data forever.
    package func isUnresponsive(now: NetInstant, after limit: Duration) -> Bool {
        guard let since = unacknowledgedSince, hasUnackedReliableData else { return false }
        return now - since >= limit
    }
}

extension ChannelEndpoint {
    /// The peer is back after an interruption (or this side after a pause): whatever was in
    /// flight is taken as lost and resent at once with the backoff reset, rather than at the
    /// end of a retransmission timeout doubled through the outage (up to 4 s), and the
    /// outage does not count towards ``isUnresponsive(now:after:)``.
    package mutating func resume(now: NetInstant) {
        lastNow = max(lastNow, now)
        roundTrip.noteProgress()
        while let oldest = ledger.declareOldestLost() { declareLost(oldest, now: now) }
        if unacknowledgedSince != nil { unacknowledgedSince = now }
    }
}
