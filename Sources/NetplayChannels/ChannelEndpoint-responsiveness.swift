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
