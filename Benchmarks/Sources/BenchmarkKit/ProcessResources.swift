import Foundation

/// This process's memory and CPU, as the host-cost figures need them.
public enum ProcessResources {
    /// Anonymous resident memory in bytes (`RssAnon` in `/proc/self/status`): heap, stacks and
    /// buffers the process really touched. File-backed pages are left out on purpose: code
    /// paged in the first time a path runs is not memory a connection costs.
    public static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }) else { return 0 }
        let kibibytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kibibytes * 1024
    }

    /// User plus system CPU time this process has used, in seconds, every thread included.
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
