import BenchmarkKit
import Foundation

/// Runs `Scripts/podsixnet_bench.py` with `python3` and reads its `result …` line.
enum PodSixNetScript {
    /// The script: `NETPLAY_BENCH_SCRIPTS` (set by run.sh), else next to this source file's
    /// package, where a `swift run` from a checkout finds it.
    static var scriptPath: String {
        if let directory = ProcessInfo.processInfo.environment["NETPLAY_BENCH_SCRIPTS"] {
            return directory + "/podsixnet_bench.py"
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Scripts/podsixnet_bench.py").path
    }

    /// The numbers after `result`, or throws with the script's complaint.
    static func run(_ arguments: [String]) throws -> [Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptPath] + arguments
        let output = Pipe()
        process.standardOutput = output
        // Python 3.11 warns that asyncore is deprecated; PodSixNet is built on it.
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
        }
        let reader = LineReader(descriptor: output.fileHandleForReading.fileDescriptor)
        let deadline = Stopwatch.nanoseconds() + UInt64(Workload.runTimeoutSeconds * 1e9)
        // PodSixNet's server prints "connection" per accept; skip to the result.
        while let line = reader.nextLine(deadline: deadline) {
            if line.hasPrefix("result ") { return line.split(separator: " ").dropFirst().compactMap { Double($0) } }
            if line.hasPrefix("error") { throw BenchmarkError.library("podsixnet_bench.py: \(line)") }
        }
        throw BenchmarkError.library(
            "podsixnet_bench.py gave no result (is PodSixNet installed? pip install podsixnet)")
    }
}
