#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads newline-terminated lines from a file descriptor without ever blocking past a
/// deadline: the link between the benchmark and its host child process, in both directions.
public final class LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Set once the other end closed.
    public private(set) var reachedEnd = false
    /// Cap on one line, so a misbehaving child cannot grow the buffer without limit.
    private static let maxLineBytes = 64 * 1024
    private static let readChunkBytes = 4096

    public init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next complete line, waiting at most until `deadline` (a ``Stopwatch`` time; pass
    /// now for a non-blocking check). Nil if none arrived in time or the stream ended.
    public func nextLine(deadline: UInt64) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            guard !reachedEnd, buffer.count < Self.maxLineBytes else { return nil }
            let now = Stopwatch.nanoseconds()
            let remainingMilliseconds = deadline > now ? Int32(min((deadline - now) / 1_000_000, UInt64(Int32.max))) : 0
            var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, remainingMilliseconds)
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: Self.readChunkBytes)
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 {
                reachedEnd = true
                continue
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
