import BenchmarkKit
import Foundation

/// Prints each figure as it finishes (medians, spread, ratios), then the markdown table the
/// README's figures section is pasted from.
struct Report {
    let contenderNames: [String]
    let netplayName: String?
    /// Netplay's other fronts (polling, game-thread servicing): compared with ENet only, so
    /// the table stays readable.
    let variantNames: [String]
    private var rows: [(figure: Figure, outcomes: [FigureRunner.Outcome])] = []

    init(contenderNames: [String], netplayName: String?, variantNames: [String] = []) {
        self.contenderNames = contenderNames
        self.netplayName = netplayName
        self.variantNames = variantNames
    }

    /// The references (every contender that is not Netplay).
    private var references: [String] {
        contenderNames.filter { $0 != netplayName && !variantNames.contains($0) }
    }

    /// Pairs compared in ratios: Netplay with every reference, each variant with ENet.
    private var comparisons: [(mine: String, theirs: String)] {
        guard let netplayName else { return [] }
        var pairs = references.map { (mine: netplayName, theirs: $0) }
        if let enet = references.first(where: { $0.hasPrefix("ENet") }) {
            pairs += variantNames.map { (mine: $0, theirs: enet) }
        }
        return pairs
    }

    mutating func add(_ figure: Figure, _ outcomes: [FigureRunner.Outcome]) {
        rows.append((figure, outcomes))
        printFigure(figure, outcomes)
    }

    private func printFigure(_ figure: Figure, _ outcomes: [FigureRunner.Outcome]) {
        print("\n== \(figure.title) — median of \(figure.runs) alternating runs")
        for outcome in outcomes {
            var line = outcome.contender.padding(18)
            if let error = outcome.error {
                print(line + "error: \(error)")
                continue
            }
            for (index, metric) in figure.metrics.enumerated() {
                guard let median = outcome.median(index) else {
                    line += "\(metric.name) n/a".padding(34)
                    continue
                }
                let spread = outcome.runs[index]
                let range =
                    "[\(format(spread.min() ?? 0, metric.decimals))–\(format(spread.max() ?? 0, metric.decimals))]"
                line += "\(metric.name) \(format(median, metric.decimals)) \(metric.unit) \(range)".padding(34)
            }
            print(line)
        }
        for line in ratioLines(figure, outcomes) { print("   " + line) }
    }

    /// "Netplay / ENet = 1.08 (lower is better)" for every metric and reference.
    private func ratioLines(_ figure: Figure, _ outcomes: [FigureRunner.Outcome]) -> [String] {
        var lines: [String] = []
        for (index, metric) in figure.metrics.enumerated() {
            for pair in comparisons {
                guard let ratio = ratio(pair, index, outcomes) else { continue }
                let better = metric.higherIsBetter ? "higher" : "lower"
                lines.append(
                    "\(metric.name): \(pair.mine) / \(pair.theirs) = \(formatRatio(ratio)) (\(better) is better)")
            }
        }
        return lines
    }

    private func ratio(_ pair: (mine: String, theirs: String), _ index: Int, _ outcomes: [FigureRunner.Outcome])
        -> Double?
    {
        guard let mine = outcomes.first(where: { $0.contender == pair.mine })?.median(index),
            let theirs = outcomes.first(where: { $0.contender == pair.theirs })?.median(index), theirs > 0
        else { return nil }
        return mine / theirs
    }

    /// The README table: one row per figure metric, one column per contender, then ratios.
    func markdown(machine: String, command: String) -> String {
        var header = "| Figure | " + contenderNames.joined(separator: " | ") + " |"
        var rule = "|---|" + String(repeating: "---:|", count: contenderNames.count)
        for pair in comparisons {
            header += " \(pair.mine) / \(pair.theirs) |"
            rule += "---:|"
        }
        var lines = [header, rule]
        for (figure, outcomes) in rows {
            for (index, metric) in figure.metrics.enumerated() {
                var line = "| \(figure.title) — \(metric.name) (\(metric.unit)) |"
                for name in contenderNames {
                    let outcome = outcomes.first { $0.contender == name }
                    if outcome?.error != nil {
                        line += " error |"
                    } else {
                        line += " \(outcome?.median(index).map { format($0, metric.decimals) } ?? "n/a") |"
                    }
                }
                for pair in comparisons {
                    line += ratio(pair, index, outcomes).map { " \(formatRatio($0)) |" } ?? " — |"
                }
                lines.append(line)
            }
        }
        lines.append("")
        lines.append("Machine: \(machine). Command: `\(command)`. Each cell is the median of alternating runs.")
        return lines.joined(separator: "\n")
    }

    /// Two decimals, or three significant digits for ratios far below 1 (so 0.003 is not 0.00).
    private func formatRatio(_ ratio: Double) -> String {
        ratio >= 0.1 ? format(ratio, 2) : String(format: "%.3g", ratio)
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        decimals == 0 ? String(Int(value.rounded())) : String(format: "%.\(decimals)f", value)
    }
}

extension String {
    /// Left-aligned in a column of `width`.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
