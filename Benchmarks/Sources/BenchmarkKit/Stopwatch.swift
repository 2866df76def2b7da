#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic nanoseconds, read straight from `clock_gettime` so a sample costs one vDSO call
/// and no allocation (a round trip on loopback is ~10–30 µs; the clock must be far cheaper).
public enum Stopwatch {
    /// Nanoseconds since an arbitrary fixed point.
    public static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * nanosecondsPerSecond + UInt64(spec.tv_nsec)
    }

    /// Seconds since `start` (a value of ``nanoseconds()``).
    public static func seconds(since start: UInt64) -> Double {
        Double(nanoseconds() &- start) / Double(nanosecondsPerSecond)
    }

    public static let nanosecondsPerSecond: UInt64 = 1_000_000_000

    /// Sleeps until `deadline` (a ``nanoseconds()`` reading); returns at once if it has passed.
    public static func sleep(until deadline: UInt64) {
        let now = nanoseconds()
        guard deadline > now else { return }
        let wait = deadline - now
        var request = timespec(tv_sec: Int(wait / nanosecondsPerSecond), tv_nsec: Int(wait % nanosecondsPerSecond))
        _ = nanosleep(&request, nil)
    }
}
