import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts the terminal into game mode and, on every way out, back the way it was: the normal
/// `defer` path, `exit` (atexit), and fatal signals (a crash must not leave the player's shell
/// raw and invisible). Kept in statics because signal handlers and `atexit` take plain C
/// functions that cannot capture anything.
enum TerminalRestore {
    /// The settings to restore. Written once in ``enter()``, before the handlers that read it
    /// are installed, and never again: so the unsynchronised access is safe.
    nonisolated(unsafe) private static var saved = termios()
    /// Whether the terminal is in game mode; whoever flips it back restores (exactly once).
    private static let active = RestoreLatch()

    /// Alternate screen (the shell's screen comes back untouched), hidden cursor, cleared.
    static let enterSequence: [UInt8] = Array("\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J\u{1B}[H".utf8)
    /// Attributes reset, cursor shown, alternate screen left.
    static let leaveSequence: [UInt8] = Array("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l".utf8)
    /// Signals that end the process abnormally; the terminal is restored before they do.
    private static let fatalSignals = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Raw, non-blocking input without echo; output unchanged. Throws if stdin is no terminal.
    static func enter() throws(TerminalError) {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw TerminalError("cannot read the terminal's settings") }
        var raw = saved
        // No line buffering, echo, Ctrl-C/Ctrl-Z signals (q and Ctrl-C arrive as keys) or
        // flow control; reads return at once with whatever bytes are there.
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | ISIG | IEXTEN)
        raw.c_iflag &= ~tcflag_t(IXON | ICRNL | BRKINT | INPCK | ISTRIP)
        withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
            bytes[Int(VMIN)] = 0
            bytes[Int(VTIME)] = 0
        }
        _ = leaveSequence  // initialise before a signal handler might first touch it
        guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0 else {
            throw TerminalError("cannot switch the terminal to raw mode")
        }
        active.set()
        atexit { TerminalRestore.restore() }
        for fatal in fatalSignals {
            signal(fatal) { number in
                TerminalRestore.restore()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
        writeAll(enterSequence)
    }

    /// Restores the terminal if it is in game mode; safe to call any number of times, from a
    /// signal handler too (only `tcsetattr` and `write`, both async-signal-safe).
    static func restore() {
        guard active.take() else { return }
        writeAll(leaveSequence)
        _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    }

    /// Writes every byte to stdout, retrying short writes and interruptions a bounded number of times.
    static func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            var attempts = 0
            while offset < buffer.count, attempts < maxWriteAttempts {
                attempts += 1
                let written = write(STDOUT_FILENO, base + offset, buffer.count - offset)
                if written > 0 { offset += written } else if written < 0, errno != EINTR, errno != EAGAIN { return }
            }
        }
    }

    /// A frame is a few kilobytes; a terminal that takes more tries than this is gone.
    private static let maxWriteAttempts = 1000
}

/// A flag taken at most once, from any thread or a signal handler.
final class RestoreLatch: Sendable {
    private let storage = Atomic<Bool>(false)

    func set() { storage.store(true, ordering: .sequentiallyConsistent) }

    /// Clears the flag and returns whether it was set.
    func take() -> Bool { storage.exchange(false, ordering: .sequentiallyConsistent) }
}

/// The terminal could not be set up for the game.
struct TerminalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
