import NetplayBase

/// Keeps the send rate under ``ChannelConfig/bandwidthCap`` with a token bucket.
///
/// A payload may go whenever the credit is positive; its size is then subtracted, possibly
/// into debt, and the next one waits until the debt is repaid. Over any long interval the
/// bytes sent stay within one payload of `rate × time`.
package struct SendPacer: Sendable {
    let bytesPerSecond: Int?
    private var credit: Int64
    private var refilledAt: NetInstant
    private let burstBytes: Int64

    package init(bitsPerSecond: Int?, payloadBytes: Int, now: NetInstant) {
        bytesPerSecond = bitsPerSecond.map { max($0 / 8, 1) }
        let rate = Int64(bytesPerSecond ?? 0)
        burstBytes = max(Int64(Self.burstPayloads * payloadBytes), rate * Self.burstNanoseconds / 1_000_000_000)
        credit = burstBytes
        refilledAt = now
    }

    package mutating func refill(now: NetInstant) {
        guard let rate = bytesPerSecond, now > refilledAt else { return }
        let elapsed = (now - refilledAt).nanosecondsClamped
        let earned = Int64(rate) * elapsed / 1_000_000_000
        guard earned > 0 else { return }
        if credit + earned >= burstBytes {
            credit = burstBytes
            refilledAt = now
        } else {
            credit += earned
            // Advance only by the time actually converted into whole bytes, so a slow rate
            // polled often still accumulates.
            refilledAt = refilledAt + .nanoseconds(earned * 1_000_000_000 / Int64(rate))
        }
    }

    var canSend: Bool { bytesPerSecond == nil || credit > 0 }

    mutating func spend(bytes: Int) {
        guard bytesPerSecond != nil else { return }
        credit -= Int64(bytes)
    }

    /// When ``canSend`` becomes true again, or `nil` when it already is.
    var readyAt: NetInstant? {
        guard let rate = bytesPerSecond, credit <= 0 else { return nil }
        return refilledAt + .nanoseconds((1 - credit) * 1_000_000_000 / Int64(rate) + 1)
    }

    /// A bucket of at least two payloads lets a payload and its ack go back to back.
    static let burstPayloads = 2
    /// And at least 5 ms of traffic, so a fast cap is not throttled by frame-rate polling.
    static let burstNanoseconds: Int64 = 5_000_000
}
