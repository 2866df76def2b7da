import NetplayBase

/// A loss-based congestion window (NewReno, RFC 9002 §7 / RFC 5681) over every payload that
/// carries messages, so the endpoint neither floods a slow or lossy path nor idles on a fast one.
///
/// Slow start doubles the window each round trip until the first congestive loss; afterwards
/// it grows by one payload per round trip and shrinks to 70 % on each loss event (CUBIC's β,
/// RFC 9438). Losses of payloads sent before the current recovery began do not shrink it
/// again, so a burst counts once per round trip.
///
/// **Random loss is not congestion.** A loss shrinks the window only when the path shows a
/// queue — the smoothed round trip stands above its minimum by more than a quarter of it and
/// ``minimumQueueingDelay`` (the delay test of TCP Veno and Westwood-style classifiers) — or
/// when losses have become frequent (``congestiveLossFraction``). A bottleneck
/// always builds a queue before it drops, so it is still respected; a radio or a busy
/// router dropping 1 % at random no longer throttles a fast path to a crawl. A loss that
/// turns out spurious (its ack arrives late) undoes the reduction it caused.
package struct CongestionController: Sendable {
    package private(set) var window: Int
    package private(set) var slowStartThreshold = Int.max
    package private(set) var bytesInFlight = 0
    /// Payloads sent before this instant belong to an already-punished loss event.
    private var recoveryStart: NetInstant?
    /// The window before the last reduction, and the send time of the loss that caused it,
    /// to undo it if that loss proves spurious.
    private var undo: (window: Int, threshold: Int, lossSentAt: NetInstant)?
    /// Smoothed fraction of resolved payloads that were lost.
    private(set) var lossFraction = 0.0
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
        lossFraction -= lossFraction * Self.lossSmoothing
        if let recoveryStart, sentAt <= recoveryStart { return }
        guard wasWindowLimited else { return }
        if window < slowStartThreshold {
            window += bytes
        } else {
            window += max(payloadBytes * bytes / window, 1)
        }
        window = min(window, Self.maxWindowBytes)
    }

    /// A payload was declared lost. `smoothedRoundTrip` and `minimumRoundTrip` (nanoseconds)
    /// tell a queue from random loss.
    mutating func onLost(
        bytes: Int, sentAt: NetInstant, now: NetInstant, smoothedRoundTrip: Int64?, minimumRoundTrip: Int64
    ) {
        bytesInFlight = max(bytesInFlight - bytes, 0)
        lossFraction += (1 - lossFraction) * Self.lossSmoothing
        if let recoveryStart, sentAt <= recoveryStart { return }
        guard isCongestive(smoothedRoundTrip: smoothedRoundTrip, minimumRoundTrip: minimumRoundTrip) else { return }
        undo = (window, slowStartThreshold, sentAt)
        recoveryStart = now
        window = max(window * Self.decreaseNumerator / Self.decreaseDenominator, Self.minimumPayloads * payloadBytes)
        slowStartThreshold = window
    }

    /// A payload declared lost was acknowledged after all: if its loss shrank the window,
    /// grow it back (its bytes already left `bytesInFlight` when it was declared lost).
    mutating func onSpuriousLoss(sentAt: NetInstant) {
        lossFraction = max(lossFraction - Self.lossSmoothing, 0)
        guard let undo, undo.lossSentAt == sentAt else { return }
        window = max(window, undo.window)
        slowStartThreshold = undo.threshold
        recoveryStart = nil
        self.undo = nil
    }

    private func isCongestive(smoothedRoundTrip: Int64?, minimumRoundTrip: Int64) -> Bool {
        if lossFraction > Self.congestiveLossFraction { return true }
        // No round-trip figure yet: nothing tells random loss from a queue, so be careful.
        guard let smoothed = smoothedRoundTrip else { return true }
        // The queue a bottleneck builds before it drops shows as round trip above the minimum.
        let queueingDelay = smoothed - minimumRoundTrip
        return queueingDelay > max(minimumRoundTrip / 4, Self.minimumQueueingDelay)
    }

    /// RFC 9002 §7.2 recommends 10 payloads for the initial window.
    static let initialPayloads = 10
    /// RFC 9002 §7.2's minimum window of 2 payloads, raised to 4: game payloads are small
    /// and a window of 2 stalls a reliable channel behind one loss.
    static let minimumPayloads = 4
    /// Multiplicative decrease to 7/10 (CUBIC's β).
    static let decreaseNumerator = 7
    static let decreaseDenominator = 10
    /// Caps growth at what a receiver's socket can hold when the system grants what it asks
    /// for: 4 MiB, the receive buffer every Netplay socket asks for
    /// (`UDPSocket.receiveBufferBytes`; Linux books twice that, and charges each datagram its
    /// bytes and its own overhead; a stock system with `net.core.rmem_max` 208 KiB grants
    /// 416 KiB, and a host's one socket takes every client's window). A window larger than
    /// the buffer lets a receiver that falls behind (descheduled a few milliseconds on a busy
    /// machine) lose whole send batches in its kernel, though nothing on the path is
    /// congested.
    ///
    /// It was 64 MiB, a bound on memory only. On loopback nothing ever made the window
    /// shrink, and a 2-million-message unreliable stream lost 0.9–6.9 % of its messages in
    /// three runs of six, each kernel drop a batch of some 1,800; capped at 4 MiB, none in
    /// sixteen on a quiet machine (2 MiB: none either, but in one comparison a short stream's
    /// throughput read 24 % lower).
    static let maxWindowBytes = 4 << 20
    /// Queueing below this is ack-timing noise (a peer acknowledging once per tick of a few
    /// milliseconds), not a buffer filling; above it and above a quarter of the minimum round
    /// trip (RACK's reordering window, RFC 8985 §6.2), a loss is congestion.
    static let minimumQueueingDelay: Int64 = 4_000_000
    /// Past this smoothed loss fraction, losses count as congestion whatever the round trip
    /// says (a bottleneck with almost no buffer shows no queue, only drops).
    static let congestiveLossFraction = 0.05
    /// The loss fraction's smoothing: about the last 512 payloads, so 1 % of random loss
    /// (five losses in 500, give or take two) never reads as 5 %.
    static let lossSmoothing = 1.0 / 512
}
