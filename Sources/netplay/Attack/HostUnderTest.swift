import Foundation
import Synchronization

/// A `netplay host` child process bound to 127.0.0.1, as an attack scenario's target: its
/// handshake figures arrive as JSON lines on its standard output, its memory is read from
/// /proc.
final class HostUnderTest: Sendable {
    /// The key-exchange counter at one instant.
    struct Sample: Sendable {
        var at: ContinuousClock.Instant
        var keyExchanges: Int
        var throttled: Int
    }

    struct State {
        var port: UInt16?
        var samples: [Sample] = []
        var left: [String] = []
    }

    let process: Process
    let state = Mutex(State())
    /// How often the host prints its handshake figures.
    static let statsInterval = 0.25

    /// Starts `netplay host` (this same executable) and waits until it reports its port.
    init(code: String, extraArguments: [String] = []) async throws(AttackError) {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments =
            [
                "host", "--interface", "127.0.0.1", "--port", "0", "--discovery", "none", "--json",
                "--stats-interval", String(Self.statsInterval), "--code", code,
            ] + extraArguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw .host("could not start: \(error)") }
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    continue
                }
                self.state.withLock { state in
                    switch object["event"] as? String {
                    case "hosting": state.port = (object["port"] as? Int).map(UInt16.init)
                    case "handshakes":
                        state.samples.append(
                            Sample(
                                at: .now, keyExchanges: object["keyExchanges"] as? Int ?? 0,
                                throttled: object["throttled"] as? Int ?? 0))
                    case "left": state.left.append(object["reason"] as? String ?? "")
                    default: break
                    }
                }
            }
        }
        for _ in 0..<Self.startupPolls where state.withLock({ $0.port == nil }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard port != 0 else {
            process.terminate()
            throw .host("did not report its port")
        }
    }

    /// 10 s of 50 ms polls.
    static let startupPolls = 200

    var port: UInt16 { state.withLock { $0.port ?? 0 } }

    /// The host's resident set size in bytes (VmRSS), or 0 if unreadable.
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return kilobytes * 1024
    }

    /// Key exchanges the host reported so far.
    var keyExchanges: Int { state.withLock { $0.samples.last?.keyExchanges ?? 0 } }

    /// The most key exchanges in any one-second window since `start`.
    func peakKeyExchangesPerSecond(since start: ContinuousClock.Instant) -> Int {
        let samples = state.withLock { $0.samples.filter { $0.at >= start } }
        var peak = 0
        for (index, first) in samples.enumerated() {
            for later in samples[index...] where later.at - first.at <= .seconds(1) {
                peak = max(peak, later.keyExchanges - first.keyExchanges)
            }
        }
        return peak
    }

    /// Handshake packets the host throttled so far.
    var throttled: Int { state.withLock { $0.samples.last?.throttled ?? 0 } }

    /// Disconnect reasons the host reported, oldest first.
    var leaveReasons: [String] { state.withLock { $0.left } }

    func stop() {
        process.interrupt()
        process.waitUntilExit()
    }
}
