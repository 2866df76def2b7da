import ArgumentParser
import Foundation
import Netplay
import NetplayChannels
import NetplayLinkConditioner
import NetplayTesting

/// `netplay soak`: every channel kind through a bad network, in virtual time, in-process.
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Push messages over every channel kind through a simulated bad network and check every delivery.",
        discussion: """
            Runs in virtual time in this process: deterministic from --seed, and far faster than \
            real time. Reliable messages must arrive exactly once, byte-identical, in order on \
            ordered channels; unreliable-sequenced ones must never go backwards; nothing may \
            arrive that was not sent. Prints counts per channel kind; exits non-zero on any violation.
            With no impairment flags: 20% loss, 5% duplication, 5% reordering, 100 ± 50 ms latency.
            Build in release mode for the full million: swift run -c release netplay soak
            """
    )

    @Option(help: "Messages to send (both directions together).") var messages = 1_000_000
    @Option(help: "Loss probability, 0...1.") var loss: Double?
    @Option(help: "One-way latency in milliseconds.") var latency: Double?
    @Option(help: "Jitter (±) in milliseconds.") var jitter: Double?
    @Option(help: "Duplication probability, 0...1.") var duplication: Double?
    @Option(help: "Reordering probability, 0...1 (reordered datagrams are held 40 ms more).") var reorder: Double?
    @Option(help: "Seed; the same seed replays the same run.") var seed: UInt64 = 1
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        for (name, value) in [("loss", loss), ("duplication", duplication), ("reorder", reorder)] {
            if let value, !(0...1).contains(value) { throw ValidationError("--\(name) must be between 0 and 1") }
        }
        guard messages > 0 else { throw ValidationError("--messages must be positive") }
    }

    func run() throws {
        var impairment = ChannelSoak.soakImpairment
        if let loss { impairment.lossProbability = loss }
        if let latency { impairment.latency = .microseconds(Int64(latency * 1000)) }
        if let jitter { impairment.jitter = .microseconds(Int64(jitter * 1000)) }
        if let duplication { impairment.duplicationProbability = duplication }
        if let reorder {
            impairment.reordering =
                reorder > 0 ? LinkImpairment.Reordering(probability: reorder, extraDelay: .milliseconds(40)) : nil
        }
        let output = ToolOutput(json: json)
        output.progress(
            "soaking \(messages) messages (loss \(impairment.lossProbability), latency \(impairment.latency) ± \(impairment.jitter), "
                + "duplication \(impairment.duplicationProbability), reordering \(impairment.reordering?.probability ?? 0))…"
        )
        let started = ContinuousClock.now
        let report = ChannelSoak.run(
            ChannelSoak.Configuration(messageCount: messages, impairment: impairment, seed: seed))
        let elapsed = ContinuousClock.now - started
        let kinds: [ChannelKind] = [.reliableOrdered, .reliableUnordered, .unreliable, .unreliableSequenced]
        var rows: [[String: Any]] = []
        var lines = ["kind                  sent        delivered   duplicated  out-of-order"]
        for kind in kinds {
            let counts = report.counts[kind] ?? ChannelSoak.KindCounts()
            rows.append([
                "kind": "\(kind)", "sent": counts.sent, "delivered": counts.delivered,
                "duplicated": counts.duplicated, "outOfOrder": counts.outOfOrder, "corrupted": counts.corrupted,
            ])
            lines.append(
                "\(pad("\(kind)", 22))\(pad("\(counts.sent)", 12))\(pad("\(counts.delivered)", 12))"
                    + "\(pad("\(counts.duplicated)", 12))\(counts.outOfOrder)")
        }
        lines.append(
            "virtual time \(report.virtualDuration), wall time \(elapsed), violations \(report.violationCount)")
        lines += report.violations.prefix(10).map { "violation: \($0)" }
        output.emit(
            [
                "kinds": rows, "violations": report.violationCount,
                "virtualSeconds": report.virtualDuration.secondsDouble,
                "wallSeconds": elapsed.secondsDouble,
            ], lines.joined(separator: "\n"))
        if !report.isClean { throw ExitCode.failure }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
