/// A point in time as the protocol core sees it: nanoseconds on a monotonic clock that the
/// driver owns. Tests drive it by hand (virtual time); real drivers read `MonotonicClock`.
///
/// `@usableFromInline`, with its stored property, for the speed of every other module: without
/// it this toolchain (Swift 6.3) neither inlines a `package` type's `@inlinable` members in
/// another module nor specializes generic code for it there, so `min(a, b)`, `==` and `+` on
/// instants were calls, the generic ones through the conformance's witness table (about
/// 3,000 instructions a round trip over all such types; see docs/ARCHITECTURE.md).
@usableFromInline
package struct NetInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the driver's epoch.
    @usableFromInline package var nanoseconds: Int64

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

    /// The instant `duration` later. Always inlined: called some 40 times a round trip,
    /// from every module, and the call cost as much as the sum.
    @inlinable @inline(__always)
    package static func + (lhs: NetInstant, rhs: Duration) -> NetInstant {
        NetInstant(nanoseconds: lhs.nanoseconds + rhs.nanosecondsClamped)
    }

    /// Whether at least `duration` separates `start` from this instant: `self - start >=
    /// duration` with the duration truncated to whole nanoseconds, as `start + duration` is
    /// (a sub-nanosecond remainder makes it true up to a nanosecond sooner). Compared as
    /// integers: a `Duration` comparison is an out-of-line 128-bit one, and the timers ask
    /// some 20 times a round trip.
    @inlinable @inline(__always)
    package func isAtLeast(_ duration: Duration, after start: NetInstant) -> Bool {
        nanoseconds - start.nanoseconds >= duration.nanosecondsClamped
    }

    /// The time from `rhs` to `lhs`.
    @inlinable @inline(__always)
    package static func - (lhs: NetInstant, rhs: NetInstant) -> Duration {
        .nanoseconds(lhs.nanoseconds - rhs.nanoseconds)
    }

    @usableFromInline package var description: String { "t=\(seconds)s" }
}

extension Duration {
    /// This duration in whole nanoseconds (truncated toward zero), saturating at `Int64` limits.
    ///
    /// From `attoseconds`: through `components` (which divides by 10^18 to split seconds off,
    /// then multiplies them back) it cost some 190 instructions, and an instant plus a
    /// duration runs several times per datagram on a host (about 40 times a round trip).
    /// Under 9.2 s (most of the durations a session adds: holds, timeouts, intervals) the
    /// attoseconds fit in 64 bits, and a 64-bit division by a constant is a multiplication;
    /// a 128-bit one calls `__divti3` (about 55 instructions, then 26 in all). Longer ones
    /// up to 78 minutes take one shift more (below).
    @inlinable @inline(__always)
    package var nanosecondsClamped: Int64 {
        if #available(macOS 15, iOS 18, watchOS 11, tvOS 18, visionOS 2, *) {
            let attoseconds = attoseconds
            // Both divisions truncate toward zero, so the two paths agree.
            if let narrow = Int64(exactly: attoseconds) { return narrow / 1_000_000_000 }
            // Up to about 78 minutes (a 30 s grace, a 10 s timeout): 10^9 = 2^9 · 5^9, and the
            // attoseconds over 2^9 fit in 64 bits; floor of a floor is the floor, for these
            // positive values.
            if attoseconds > 0, let shifted = Int64(exactly: attoseconds >> 9) { return shifted / 1_953_125 }
            return Self.nanosecondsClamped(wide: attoseconds)
        }
        return componentsNanosecondsClamped
    }

    /// ``nanosecondsClamped`` of a duration of 78 minutes or more, or of minus 9.2 s or less:
    /// out of line, so the common case inlines small (the 128-bit division calls `__divti3`).
    @available(macOS 15, iOS 18, watchOS 11, tvOS 18, visionOS 2, *)
    @usableFromInline @inline(never)
    static func nanosecondsClamped(wide attoseconds: Int128) -> Int64 {
        Int64(clamping: attoseconds / 1_000_000_000)
    }

    /// ``nanosecondsClamped`` where there is no `Int128`; out of line for the same reason.
    @usableFromInline @inline(never)
    var componentsNanosecondsClamped: Int64 {
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
    @inlinable
    package mutating func keepEarliest(_ instant: NetInstant?) {
        guard let instant else { return }
        self = Swift.min(self ?? instant, instant)
    }
}
