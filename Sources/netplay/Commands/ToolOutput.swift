import Foundation
import Synchronization

/// Prints either a human line or a JSON object per event, and flushes at once so that a
/// script (or a test) reading the pipe sees each line as it happens.
struct ToolOutput {
    var json: Bool

    func emit(_ object: [String: Any], _ line: String) {
        var text = line
        if json, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) {
            text = String(decoding: data, as: UTF8.self)
        }
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Progress for long runs, on standard error so it never mixes with results.
    func progress(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// Ctrl-C (SIGINT) and SIGTERM ask the command to stop cleanly instead of killing it, so a
/// host can tell its players it shut down.
enum StopSignal {
    static func install() -> StopFlag {
        signal(SIGINT) { _ in stopFlag.set() }
        signal(SIGTERM) { _ in stopFlag.set() }
        return stopFlag
    }
}

/// The one flag the signal handlers set: a lock-free atomic, safe to touch from a handler.
let stopFlag = StopFlag()

final class StopFlag: Sendable {
    private let storage = Atomic<Bool>(false)

    func set() { storage.store(true, ordering: .relaxed) }

    var requested: Bool { storage.load(ordering: .relaxed) }
}
