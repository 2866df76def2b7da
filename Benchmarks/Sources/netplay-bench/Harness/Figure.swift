import BenchmarkKit

/// One figure of the table: what is measured, in which unit, and how one run of one
/// contender produces its numbers.
struct Figure {
    /// A number a figure reports.
    struct Metric {
        var name: String
        var unit: String
        /// Throughput: more is better; latency, memory, CPU: less is better.
        var higherIsBetter: Bool
        /// Decimal places in tables.
        var decimals: Int
    }

    /// A short key for `--only`.
    var key: String
    var title: String
    var metrics: [Metric]
    /// Measured runs per contender (after one warm-up run, if ``warmUp``).
    var runs: Int
    /// Whether one untimed run per contender comes first.
    var warmUp: Bool
    /// One run of one contender: one value per metric, or nil for "n/a".
    var measure: (any Contender) throws -> [Double]?
}
