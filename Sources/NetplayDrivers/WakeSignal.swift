#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes a thread sleeping in `ppoll(2)` from another thread: a non-blocking pipe whose read
/// end the sleeper polls beside its sockets
/// (``ServicedUDPSocket/waitUntilAnyReadable(_:timeout:waking:entries:readable:)``).
///
/// The thread that sleeps decides when a signal is needed (Netplay's network thread signals
/// only when it saw it asleep): a write is a system call, and a thread that is awake finds
/// its work without one.
package final class WakeSignal: Sendable {
    /// The end the sleeper polls.
    let readEnd: CInt
    private let writeEnd: CInt

    /// Opens the pipe; nil when the system has no descriptor left.
    package init?() {
        var ends: [CInt] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Wakes the sleeper, or its next sleep if it is awake. A full pipe already wakes it.
    package func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after a wake, so the next poll sleeps.
    func drain() {
        var bytes = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
