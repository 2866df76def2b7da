/// A point in time as the protocol core sees it: nanoseconds on a monotonic clock that the
/// driver owns. Tests drive it by hand (virtual time); real drivers read `MonotonicClock`.
package struct NetInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the driver's epoch.
    package var nanoseconds: Int64

    /// Creates an instant.
    @inlinable
    package init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The instant `seconds` after the epoch.
    package static func seconds(_ seconds: Double) -> NetInstant {
        NetInstant(nanoseconds: Int64(seconds * 1e9))
    }

    /// The driver's epoch.
    package static let zero = NetInstant(nanoseconds: 0)

    /// Seconds since the epoch.
    package var seconds: Double { Double(nanoseconds) / 1e9 }

    // All four comparisons spelled out and inlinable: the ones `Comparable` derives from `<`
    // were called through its witness table from other modules.
    @inlinable
    package static func < (lhs: NetInstant, rhs: NetInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    @inlinable
    package static func <= (lhs: NetInstant, rhs: NetInstant) -> Bool { lhs.nanoseconds <= rhs.nanoseconds }
    @inlinable
    package static func > (lhs: NetInstant, rhs: NetInstant) -> Bool { lhs.nanoseconds > rhs.nanoseconds }
    @inlinable
    package static func >= (lhs: NetInstant, rhs: NetInstant) -> Bool { lhs.nanoseconds >= rhs.nanoseconds }

    /// The instant `duration` later.
    @inlinable
    package static func + (lhs: NetInstant, rhs: Duration) -> NetInstant {
        NetInstant(nanoseconds: lhs.nanoseconds + rhs.nanosecondsClamped)
    }

    /// The time from `rhs` to `lhs`.
    @inlinable
    package static func - (lhs: NetInstant, rhs: NetInstant) -> Duration {
        .nanoseconds(lhs.nanoseconds - rhs.nanoseconds)
    }

    package var description: String { "t=\(seconds)s" }
}

extension Duration {
    /// This duration in whole nanoseconds (truncated toward zero), saturating at `Int64` limits.
    ///
    /// From `attoseconds`: through `components` (which divides by 10^18 to split seconds off,
    /// then multiplies them back) it cost some 190 instructions, and an instant plus a
    /// duration runs several times per datagram on a host (about 40 times a round trip).
    /// Under 9.2 s (most of the durations a session adds: holds, timeouts, intervals) the
    /// attoseconds fit in 64 bits, and a 64-bit division by a constant is a multiplication;
    /// a 128-bit one calls `__divti3` (about 55 instructions, then 26 in all).
    @inlinable
    package var nanosecondsClamped: Int64 {
        if #available(macOS 15, iOS 18, watchOS 11, tvOS 18, visionOS 2, *) {
            let attoseconds = attoseconds
            // Both divisions truncate toward zero, so the two paths agree.
            if let narrow = Int64(exactly: attoseconds) { return narrow / 1_000_000_000 }
            return Int64(clamping: attoseconds / 1_000_000_000)
        }
        // Before `Int128` (older Apple systems): through `components`, saturating the same way.
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return sumOverflow ? (seconds < 0 ? .min : .max) : total
    }

    /// This duration in seconds.
    package var secondsDouble: Double { Double(nanosecondsClamped) / 1e9 }
}

extension Optional where Wrapped == NetInstant {
    /// Brings this deadline forward to `instant` if that comes sooner; nil on either side means
    /// no deadline. What a nested `consider` function did, without capturing the deadline: a
    /// captured variable is boxed on the heap in a debug build, one allocation per call.
    package mutating func keepEarliest(_ instant: NetInstant?) {
        guard let instant else { return }
        self = Swift.min(self ?? instant, instant)
    }
}
