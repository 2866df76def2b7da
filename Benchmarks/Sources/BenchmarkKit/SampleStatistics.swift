/// Order statistics over a run's samples. Medians and high percentiles rather than means:
/// a scheduler hiccup on a shared 2-core machine would drag a mean, not a median.
public enum SampleStatistics {
    /// The value below which `fraction` of the samples lie (nearest rank); 0 for no samples.
    public static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// The middle value (the upper one of an even count); 0 for no samples.
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        return values.sorted()[values.count / 2]
    }
}
