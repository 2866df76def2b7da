import BenchmarkKit

/// Runs a figure's contenders alternately — round 1: A B C, round 2: B C A, … — so a noisy
/// neighbour or a thermal change hits every contender alike, then keeps the median of runs.
struct FigureRunner {
    /// One contender's outcome on one figure.
    struct Outcome {
        var contender: String
        /// Per metric, one value per run; empty when n/a.
        var runs: [[Double]]
        var error: String?

        /// The median of runs for metric `index`, or nil if n/a or failed.
        func median(_ index: Int) -> Double? {
            guard index < runs.count, !runs[index].isEmpty else { return nil }
            return SampleStatistics.median(runs[index])
        }
    }

    let contenders: [any Contender]

    func run(_ figure: Figure) -> [Outcome] {
        var outcomes = contenders.map {
            Outcome(contender: $0.name, runs: Array(repeating: [], count: figure.metrics.count))
        }
        var notApplicable = Set<Int>()
        if figure.warmUp {
            for (index, contender) in contenders.enumerated() {
                do {
                    if try figure.measure(contender) == nil { notApplicable.insert(index) }
                } catch {
                    outcomes[index].error = "\(error)"
                }
            }
        }
        for round in 0..<figure.runs {
            for offset in contenders.indices {
                let index = (round + offset) % contenders.count
                guard !notApplicable.contains(index), outcomes[index].error == nil else { continue }
                do {
                    guard let values = try figure.measure(contenders[index]) else {
                        notApplicable.insert(index)
                        continue
                    }
                    for (metric, value) in values.enumerated() where metric < figure.metrics.count {
                        outcomes[index].runs[metric].append(value)
                    }
                } catch {
                    outcomes[index].error = "\(error)"
                }
            }
        }
        return outcomes
    }
}
