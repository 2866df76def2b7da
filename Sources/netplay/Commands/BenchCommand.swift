import ArgumentParser
import Foundation
import Netplay
import NetplayTesting

/// `netplay bench`: figures measured side by side in one run. Build in release mode.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Netplay's figures side by side with the alternatives.",
        discussion: "Run in release mode: swift run -c release netplay bench wire",
        subcommands: [Wire.self, Replication.self, Handshake.self]
    )

    struct Handshake: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The connection-rate floor: handshakes per second the key agreements alone allow.",
            discussion: "Also the whole handshake between two in-memory endpoints, with no sockets or threads.")

        @Option(help: "Handshakes per measurement.") var count = 5_000

        func run() throws {
            print(HandshakeBenchmark.run(count: count))
        }
    }

    struct Replication: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Kilobits per second per client for the standard scene: Netplay vs full snapshots vs JSON at 60 Hz.",
            discussion:
                "2 players, 100 moving creeps, 200 bullets in flight, 30 Hz snapshots, through 80 ± 20 ms and 5% loss.")

        @Option(help: "Simulated seconds.") var seconds = 60
        @Option(help: "Seed.") var seed: UInt64 = 1

        func run() throws {
            let result = try ReplicationBenchmark.run(seconds: seconds, seed: seed)
            print(result)
            print(
                String(
                    format: "Netplay is 1/%.1f of JSON at 60 Hz and 1/%.1f of full snapshots",
                    result.jsonKbps / result.netplayKbps, result.fullSnapshotKbps / result.netplayKbps))
        }
    }

    struct Wire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bytes and encode+decode time of a Move message: Netplay vs JSONEncoder/JSONDecoder.")

        @Option(help: "Messages encoded and decoded per run.") var count = 200_000
        @Option(help: "Runs; the median is reported.") var runs = 7
        @Flag(help: "Print JSON for scripts.") var json = false
        @Option(help: ArgumentHelp("Run only coders whose name contains this (for profiling).", visibility: .hidden))
        var only: String?

        func run() throws {
            let rows = try WireBenchmark.run(count: count, runs: runs, only: only)
            guard let reference = rows.last else { return }
            if json {
                let objects = rows.map {
                    ["coder": $0.name, "bytes": $0.bytesPerMessage, "ns": $0.nanosecondsPerRoundTrip] as [String: Any]
                }
                let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            print("Move { id: UInt16; x, y: Float; facing: Float }, \(count) random messages, median of \(runs) runs")
            print(pad("coder", 32) + pad("bytes", 8) + pad("ns enc+dec", 12) + pad("fewer bytes", 13) + "faster")
            for row in rows {
                let fewer = reference.bytesPerMessage / row.bytesPerMessage
                let faster = reference.nanosecondsPerRoundTrip / row.nanosecondsPerRoundTrip
                print(
                    pad(row.name, 32) + pad(format(row.bytesPerMessage), 8)
                        + pad(format(row.nanosecondsPerRoundTrip), 12)
                        + pad(format(fewer) + "x", 13) + format(faster) + "x")
            }
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
        }

        private func format(_ value: Double) -> String { String(format: "%.1f", value) }
    }
}
