#if os(Linux) && canImport(Glibc)
import Glibc
#endif

/// Real time for drivers, as ``NetInstant``s counted from when the clock was made.
///
/// The protocol core only ever sees `NetInstant`; drivers that run in real time read this
/// clock, tests use virtual time instead. It keeps counting while the machine sleeps, as
/// `ContinuousClock` does, so timeouts stay honest across a laptop lid closing, and it never
/// jumps backwards the way wall-clock time does when NTP corrects it.
///
/// On Linux it reads `CLOCK_BOOTTIME` itself: through `ContinuousClock.now` (the runtime's
/// `swift_get_time`) and a 128-bit `Duration` back to nanoseconds, a reading cost about 100
/// instructions more, and a session reads the clock some 20 times a round trip.
/// `@usableFromInline` so that other modules inline a reading, as ``NetInstant`` (see there).
@usableFromInline
package struct MonotonicClock: Sendable {
    #if os(Linux) && canImport(Glibc)
    /// The `CLOCK_BOOTTIME` reading that maps to ``NetInstant/zero``.
    @usableFromInline let originNanoseconds: Int64
    #else
    /// The real instant that maps to ``NetInstant/zero``.
    @usableFromInline let origin: ContinuousClock.Instant
    #endif

    /// Creates a clock whose epoch is now.
    package init() {
        #if os(Linux) && canImport(Glibc)
        originNanoseconds = Self.bootTimeNanoseconds()
        #else
        origin = .now
        #endif
    }

    /// The current instant.
    @inlinable
    package var now: NetInstant {
        #if os(Linux) && canImport(Glibc)
        NetInstant(nanoseconds: Self.bootTimeNanoseconds() &- originNanoseconds)
        #else
        NetInstant(nanoseconds: (ContinuousClock.now - origin).nanosecondsClamped)
        #endif
    }

    /// `instant` of this clock as an instant of `other`: the same moment, counted from the
    /// other's epoch. Worked out from the two epochs, with no reading of the time.
    @inlinable
    package func instant(_ instant: NetInstant, on other: MonotonicClock) -> NetInstant {
        #if os(Linux) && canImport(Glibc)
        NetInstant(nanoseconds: instant.nanoseconds &+ (originNanoseconds &- other.originNanoseconds))
        #else
        instant + (origin - other.origin)
        #endif
    }

    #if os(Linux) && canImport(Glibc)
    /// Nanoseconds on the clock `ContinuousClock` reads on Linux, which counts suspended time.
    @inlinable
    static func bootTimeNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
    #endif
}
