import Foundation

/// The machine line under every table: figures mean nothing without it.
enum MachineDescription {
    static func current() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return "\(cpuModel()), \(cores) cores (nproc), \(kernel()), \(swiftVersion())"
    }

    private static func cpuModel() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? "unknown CPU"
    }

    private static func kernel() -> String {
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "Linux \(release)"
    }

    /// `run.sh` passes `swift --version`'s first line; a compile-time fallback otherwise.
    private static func swiftVersion() -> String {
        if let version = ProcessInfo.processInfo.environment["NETPLAY_BENCH_SWIFT_VERSION"], !version.isEmpty {
            return version
        }
        #if swift(>=6.3)
        return "Swift 6.3+"
        #else
        return "Swift 6"
        #endif
    }
}
