import NetplayBase

/// Reads in a row of one sender's datagrams of one size, the shape the kernel's receive
/// offload coalesces: a read (or a burst) whose longest run is long enough turns it on. Kept
/// by both readers that decide it, the serviced socket and the SwiftNIO driver's handler.
struct RunOfOneSender {
    private var source: PeerAddress?
    private var bytes = -1
    private var length = 0
    /// The longest run noted so far.
    private(set) var longest = 0

    /// Notes one datagram read: it extends the run if it has the run's sender and size, or
    /// starts a new one.
    mutating func note(_ source: PeerAddress?, bytes: Int) {
        if source == self.source && bytes == self.bytes {
            length += 1
        } else {
            (self.source, self.bytes, length) = (source, bytes, 1)
        }
        longest = max(longest, length)
    }
}
