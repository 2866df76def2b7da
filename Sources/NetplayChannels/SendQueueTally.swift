import NetplayWire

/// What a channel's send queue holds: its messages' bytes, which statistics report, and
/// their charge (``MessageBytes/queueCharge``), which ``ChannelConfig/maxQueuedBytesPerChannel``
/// caps. Kept together so that a message is always counted into and out of both.
package struct SendQueueTally: Sendable {
    package private(set) var bytes = 0
    package private(set) var charge = 0

    /// Counts in a message of `byteCount` bytes.
    mutating func add(byteCount: Int) {
        bytes += byteCount
        charge += MessageBytes.queueCharge(forByteCount: byteCount)
    }

    /// Counts out a message of `byteCount` bytes.
    mutating func remove(byteCount: Int) {
        bytes -= byteCount
        charge -= MessageBytes.queueCharge(forByteCount: byteCount)
    }
}
