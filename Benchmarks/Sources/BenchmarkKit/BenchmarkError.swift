/// Why a measurement could not finish. Every wait in the benchmarks has a deadline, so a
/// broken contender yields one of these instead of a hang.
public enum BenchmarkError: Error, CustomStringConvertible {
    /// A socket call failed; `errno` says which.
    case socket(String, errno: Int32)
    /// The library under test refused or failed.
    case library(String)
    /// A wait passed its deadline.
    case timedOut(String)
    /// A child process misbehaved (exited, or printed something unexpected).
    case child(String)

    public var description: String {
        switch self {
        case .socket(let call, let errno): return "\(call) failed (errno \(errno))"
        case .library(let detail): return detail
        case .timedOut(let what): return "timed out: \(what)"
        case .child(let detail): return "host process: \(detail)"
        }
    }
}
