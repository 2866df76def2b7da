#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal as a game display: keys in without waiting, whole frames out in one write.
///
/// Only rows that changed since the last frame are rewritten, each addressed by cursor
/// position, and a frame goes out in a single `write`: nothing is ever cleared and redrawn,
/// so there is no flicker.
final class TerminalScreen {
    /// Terminal size in cells.
    struct Size: Equatable {
        var columns: Int
        var rows: Int
    }

    private var previousRows: [String] = []
    private var previousSize: Size?

    /// Whether both stdin and stdout are terminals (not a pipe or a file).
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Enters game mode (see ``TerminalRestore``); call ``leave()`` when done (a `defer`).
    init() throws(TerminalError) {
        try TerminalRestore.enter()
    }

    /// Leaves game mode: the shell's screen and settings come back.
    func leave() {
        TerminalRestore.restore()
    }

    /// What a terminal reports, or 80 × 24 (the classic size) if it will not say.
    var size: Size {
        var window = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
            return Size(columns: Self.fallbackColumns, rows: Self.fallbackRows)
        }
        return Size(columns: Int(window.ws_col), rows: Int(window.ws_row))
    }

    static let fallbackColumns = 80
    static let fallbackRows = 24
    /// Bytes read per frame at most: a held key repeats about 30 times a second, a few bytes each.
    static let maxInputBytesPerFrame = 256

    /// The bytes typed since the last call (never waits).
    func readInput() -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while bytes.count < Self.maxInputBytesPerFrame {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return bytes
    }

    /// Shows `rows` (one string per screen row, escapes included), rewriting only rows that changed.
    func draw(_ rows: [String], size: Size) {
        var output = ""
        if previousSize != size {
            // A resize leaves old text where the new layout has none: start from a clean screen.
            output += "\u{1B}[0m\u{1B}[2J"
            previousRows = []
            previousSize = size
        }
        for (index, row) in rows.enumerated() where index >= previousRows.count || previousRows[index] != row {
            output += "\u{1B}[\(index + 1);1H" + row
        }
        previousRows = rows
        guard !output.isEmpty else { return }
        TerminalRestore.writeAll(Array(output.utf8))
    }
}
