import Foundation

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
    func progress(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((text + (newline ? "\n" : "")).utf8))
    }
}
