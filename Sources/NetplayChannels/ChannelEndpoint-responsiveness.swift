import NetplayBase

/// Whether the peer is really receiving: keepalives prove it is alive, only acknowledgements
/// prove it reads what is sent.
extension ChannelEndpoint {
    /// Whether reliable data has been outstanding for `limit` with not one piece acknowledged
    /// meanwhile. A slow but working peer acknowledges something every round trip (resends
    /// included), so only a peer that does not receive, or pretends not to, gets here; its
    /// owner should close the connection rather than hold its unacknowledged data forever.
    ///
    /// `mutating` only so the endpoint is read in place, as a host does for every peer at
    /// every tick (see ``hasUnackedReliableData``).
    package mutating func isUnresponsive(now: NetInstant, after limit: Duration) -> Bool {
        guard let since = unacknowledgedSince, hasUnackedReliableData else { return false }
        return now.isAtLeast(limit, after: since)
    }
}

extension ChannelEndpoint {
    /// The peer is back after an interruption (or this side after a pause): whatever was in
    /// flight is taken as lost and resent at once with the backoff reset, rather than at the
    /// end of a retransmission timeout doubled through the outage (up to 4 s), and the
    /// outage does not count towards ``isUnresponsive(now:after:)``.
    ///
    /// Acknowledgements of packets sent before now are no round-trip samples: a paused
    /// process, or a peer's socket buffer, held them through the outage, so they measure the
    /// outage. Taken as samples, a 15 s pause made the round trip 2–15 s, the loss delay and
    /// retransmission timeout with it, and resends lost on waking (to a socket buffer still
    /// full of the outage's packets) waited the 4 s maximum timeout: measured with real
    /// processes, stopped with SIGSTOP. (Karn's rule, RFC 6298 §3, for another ambiguity.)
    package mutating func resume(now: NetInstant) {
        lastNow = max(lastNow, now)
        flushDue = .zero
        roundTripSamplesFrom = now
        roundTrip.noteProgress()
        while let oldest = ledger.declareOldestLost() { declareLost(oldest, now: now) }
        if unacknowledgedSince != nil { unacknowledgedSince = now }
    }
}
