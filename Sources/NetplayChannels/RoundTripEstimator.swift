/// Smoothed round-trip time and its variation, and the retransmission timeout derived from
/// them — RFC 6298 §2, with game-sized bounds instead of TCP's one-second floor.
package struct RoundTripEstimator: Sendable {
    /// SRTT in nanoseconds, `nil` before the first sample.
    package private(set) var smoothed: Int64?
    /// RTTVAR: the smoothed mean deviation, in nanoseconds.
    package private(set) var variation: Int64 = 0
    package private(set) var minimum: Int64 = .max
    /// The latest sample with the peer's ack delay taken out (as
    /// ``add(sample:ackDelay:maxAckDelay:)`` says): what a player's latest round trip was.
    package private(set) var latest: Int64 = 0
    /// Timeouts in a row without an acknowledgement: each doubles the timeout (RFC 6298 §5.5).
    package private(set) var backoffExponent = 0

    /// Takes a round-trip sample: `sample` nanoseconds from sending a packet to reading its
    /// acknowledgement, of which the peer says it held the acknowledgement `ackDelay`.
    ///
    /// The delay is taken out, at most `maxAckDelay` of it (RFC 9002 §5.3: ``peerMaxAckDelay``,
    /// or ``peerMaxRelaxedAckDelay`` for a packet with only unreliable entries), so a peer
    /// that overstates it can shorten its own round trip by that much at most. Unlike RFC 9002 the
    /// minimum is of adjusted samples too: a game whose sends are phase-locked with its
    /// peer's (60 Hz against 30 Hz) has every ack held about as long, so no whole sample is
    /// free of a hold and RFC 9002's "not below the whole minimum" would keep all of it in.
    package mutating func add(sample: Int64, ackDelay: Int64 = 0, maxAckDelay: Int64 = peerMaxAckDelay) {
        let whole = max(sample, 0)
        let sample = max(whole - min(max(ackDelay, 0), maxAckDelay), 0)
        minimum = min(minimum, sample)
        latest = sample
        if let srtt = smoothed {
            // RTTVAR ← 3/4·RTTVAR + 1/4·|SRTT − R|, then SRTT ← 7/8·SRTT + 1/8·R (RFC 6298 §2.3).
            variation = (3 * variation + abs(srtt - sample)) / 4
            smoothed = (7 * srtt + sample) / 8
        } else {
            smoothed = sample
            variation = sample / 2
        }
        refreshTimeouts()
    }

    mutating func noteTimeout() {
        backoffExponent = min(backoffExponent + 1, Self.maxBackoffExponent)
        refreshTimeouts()
    }

    mutating func noteProgress() {
        guard backoffExponent != 0 else { return }
        backoffExponent = 0
        refreshTimeouts()
    }

    /// RTO = SRTT + max(G, 4·RTTVAR, minRTT/4) + the peer's max ack delay, clamped, then
    /// doubled per timeout in a row: for a packet with reliable entries.
    ///
    /// The minRTT/4 term is RACK's minimum reordering window (RFC 8985 §6.2): on a steady
    /// path RTTVAR shrinks to almost nothing and a packet only a little late would be
    /// declared lost and resent for nothing.
    ///
    /// Kept, with ``relaxedRetransmissionTimeout``, and worked out again only when a sample, a
    /// timeout or the first progress after timeouts changes it: the sender asks about twelve
    /// times a round trip, and a sample comes about twice.
    private(set) var retransmissionTimeout = Self.initialTimeout

    /// The same for a packet with only unreliable entries, whose ack the peer may hold up to
    /// ``peerMaxRelaxedAckDelay``: nothing is resent when it runs out, but the packet would be
    /// counted lost and the congestion window cut for an ack that was only held.
    private(set) var relaxedRetransmissionTimeout = Self.initialTimeout

    private mutating func refreshTimeouts() {
        retransmissionTimeout = timeout(allowingAckDelay: Self.peerMaxAckDelay)
        relaxedRetransmissionTimeout = timeout(allowingAckDelay: Self.peerMaxRelaxedAckDelay)
    }

    private func timeout(allowingAckDelay ackDelay: Int64) -> Int64 {
        guard let srtt = smoothed else { return min(Self.initialTimeout << Int64(backoffExponent), Self.maxTimeout) }
        let margin = max(Self.clockGranularity, 4 * variation, minimum / 4)
        let base = min(max(srtt + margin + ackDelay, Self.minTimeout), Self.maxTimeout)
        return min(base << Int64(backoffExponent), Self.maxTimeout)
    }

    /// RFC 6298 §2.1: 1 s before any sample.
    static let initialTimeout: Int64 = 1_000_000_000
    /// Floor of the timeout. TCP's 1 s (RFC 6298 §2.4) is far too slow for games; ENet and
    /// GameNetworkingSockets resend after tens of milliseconds on a LAN. 25 ms still exceeds
    /// a 60 Hz frame, so a peer that acknowledges once per frame is not resent to needlessly.
    static let minTimeout: Int64 = 25_000_000
    /// Ceiling, backoff included: a peer silent this long is being probed, not flooded, and
    /// recovers within a few seconds once it answers again.
    static let maxTimeout: Int64 = 4_000_000_000
    /// The longest a peer may hold an ack back (QUIC's max_ack_delay, RFC 9000 §18.2, whose
    /// default this is). Netplay's receivers acknowledge at their next tick or wakeup, well
    /// inside it; the timeout allows for it so a late ack is not taken for a loss.
    static let peerMaxAckDelay: Int64 = 25_000_000
    /// The longest a peer may hold the ack of a packet with only unreliable entries, or the
    /// header naming an ack-only one (docs/PROTOCOL.md §5): its receivers hold such an ack up
    /// to 40 ms for a header going out anyway, so a game's 30 Hz snapshots carry the acks of
    /// its peer's 60 Hz inputs; 25 ms more cover a game-thread peer's next service, as
    /// ``peerMaxAckDelay`` does for packets with reliable entries.
    static let peerMaxRelaxedAckDelay: Int64 = 65_000_000
    /// RFC 6298's G: the timer granularity of this core, 1 ms.
    static let clockGranularity: Int64 = 1_000_000
    /// Enough doublings to reach ``maxTimeout`` from ``minTimeout``.
    static let maxBackoffExponent = 8
}
