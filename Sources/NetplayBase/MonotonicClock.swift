/// Real time for drivers, as ``NetInstant``s counted from when the clock was made.
///
/// The protocol core only ever sees `NetInstant`; drivers that run in real time read this
/// clock, tests use virtual time instead. `ContinuousClock` keeps counting while the machine
/// sleeps, so timeouts stay honest across a laptop lid closing, and it never jumps backwards
/// the way wall-clock time does when NTP corrects it.
package struct MonotonicClock: Sendable {
    /// The real instant that maps to ``NetInstant/zero``.
    package let origin: ContinuousClock.Instant

    /// Creates a clock whose epoch is `origin` (by default, now).
    package init(origin: ContinuousClock.Instant = .now) {
        self.origin = origin
    }

    /// The current instant.
    package var now: NetInstant { instant(for: .now) }

    /// The `NetInstant` for a given real instant.
    package func instant(for real: ContinuousClock.Instant) -> NetInstant {
        NetInstant(nanoseconds: (real - origin).nanosecondsClamped)
    }
}
