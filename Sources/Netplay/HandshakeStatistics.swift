import NetplayProtocol

/// A host's figures for strangers: what handshakes cost it and what it turned away. Read it
/// to see a flood (key exchanges or throttled handshakes climbing) or half-open handshakes.
public struct HandshakeStatistics: Sendable, Hashable {
    /// X25519 key agreements performed so far, the costliest work a stranger can cause; at
    /// most ``NetOptions/handshakesPerSecondPerAddress`` per second per address.
    public var keyExchanges: Int
    /// Clients admitted but not yet heard from (they hold no seat a confirmed player needs).
    public var pendingHandshakes: Int
    /// Handshake packets dropped by a per-address rate limit, before any cryptography.
    public var throttledHandshakes: Int
    /// Responses dropped for reusing an answered cookie with another key-confirmation tag.
    public var reusedCookies: Int

    init(host: HostEndpoint?) {
        keyExchanges = host?.keyExchanges ?? 0
        pendingHandshakes = host?.pendingCount ?? 0
        throttledHandshakes = host?.drops[.throttled] ?? 0
        reusedCookies = host?.drops[.usedCookie] ?? 0
    }
}
