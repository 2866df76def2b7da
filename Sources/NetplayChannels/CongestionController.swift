import NetplayBase

/// A loss-based congestion window (NewReno, RFC 9002 §7 / RFC 5681) over every payload that
/// carries messages, so the endpoint neither floods a slow or lossy path nor idles on a fast one.
///
/// Slow start doubles the window each round trip until the first loss; afterwards it grows
/// by one payload per round trip and shrinks to 70 % on each loss event (CUBIC's β, RFC 9438,
/// gentler than Reno's 50 % — random loss on game links is common and rarely congestion).
/// Losses of payloads sent before the current recovery began do not shrink it again, so a
/// burst counts once per round trip.
package struct CongestionController: Sendable {
    package private(set) var window: Int
    package private(set) var slowStartThreshold = Int.max
    package private(set) var bytesInFlight = 0
    /// Payloads sent before this instant belong to an already-punished loss event.
    private var recoveryStart: NetInstant?
    package let payloadBytes: Int

    package init(payloadBytes: Int) {
        self.payloadBytes = payloadBytes
        window = Self.initialPayloads * payloadBytes
    }

    /// Whether a payload may be sent now.
    var canSend: Bool { bytesInFlight + payloadBytes <= window || bytesInFlight == 0 }

    mutating func onSent(bytes: Int) { bytesInFlight += bytes }

    mutating func onAcked(bytes: Int, sentAt: NetInstant) {
        // Growth is only earned while the window is actually the limit (RFC 9002 §7.8), or a
        // game sending little — or paced by a bandwidth cap — would build a window it never
        // tested. "Limited" is Linux's test: at least half the window in flight.
        let wasWindowLimited = 2 * bytesInFlight >= window
        bytesInFlight = max(bytesInFlight - bytes, 0)
        if let recoveryStart, sentAt <= recoveryStart { return }
        guard wasWindowLimited else { return }
        if window < slowStartThreshold {
            window += bytes
        } else {
            window += max(payloadBytes * bytes / window, 1)
        }
        window = min(window, Self.maxWindowBytes)
    }

    mutating func onLost(bytes: Int, sentAt: NetInstant, now: NetInstant) {
        bytesInFlight = max(bytesInFlight - bytes, 0)
        if let recoveryStart, sentAt <= recoveryStart { return }
        recoveryStart = now
        window = max(window * Self.decreaseNumerator / Self.decreaseDenominator, Self.minimumPayloads * payloadBytes)
        slowStartThreshold = window
    }

    /// RFC 9002 §7.2: ten payloads.
    static let initialPayloads = 10
    /// RFC 9002 §7.2 allows two; four keeps a lossy game link from stalling on a single loss.
    static let minimumPayloads = 4
    static let decreaseNumerator = 7
    static let decreaseDenominator = 10
    /// 64 MiB: far above any game's bandwidth-delay product, only a guard against overflow.
    static let maxWindowBytes = 64 << 20
}
