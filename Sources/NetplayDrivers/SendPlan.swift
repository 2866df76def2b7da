import NetplayBase

/// How a batch of datagrams is laid out for one `sendmmsg` system call: a list of messages,
/// each one datagram or a run of one destination's datagrams that the kernel splits (UDP
/// segmentation offload), their bytes back to back in one buffer. Only the layout: the
/// ``DatagramBatchWriter`` copies the bytes and makes the call.
///
/// A run's datagrams share its first datagram's size but a shorter last one, the shape the
/// kernel splits (a bulk transfer's full-size fragments, then its tail).
struct SendPlan {
    /// One message of the call.
    struct Message: Equatable {
        var destination: PeerAddress
        /// Where its bytes start in the batch's buffer.
        var offset: Int
        /// All of its datagrams' bytes.
        var bytes: Int
        /// The size of each datagram but a shorter last one.
        var segmentBytes: Int
        /// How many datagrams it carries.
        var datagrams: Int
        /// A datagram shorter than the first (or an empty first) ended the run.
        var isClosed: Bool
    }

    /// What to do with the next datagram.
    enum Placement: Equatable {
        /// Append its bytes to the last message, at this offset in the buffer.
        case joinsLast(offset: Int)
        /// Start a new message with it, its bytes at this offset.
        case startsMessage(offset: Int)
        /// The call is full: send what is planned, ``reset()``, then place it again.
        case sendFirst
    }

    /// Messages one call may carry.
    let maxMessages: Int
    /// Bytes the batch's buffer holds.
    let bufferBytes: Int
    /// Whether messages may be runs.
    var segments: Bool
    private(set) var messages: [Message] = []
    private(set) var usedBytes = 0

    init(maxMessages: Int, bufferBytes: Int, segments: Bool) {
        self.maxMessages = maxMessages
        self.bufferBytes = bufferBytes
        self.segments = segments
        messages.reserveCapacity(maxMessages)
    }

    /// Places a datagram of `byteCount` bytes (at most ``bufferBytes``) to `destination`;
    /// after `.sendFirst` nothing changed.
    mutating func place(_ byteCount: Int, to destination: PeerAddress) -> Placement {
        let offset = usedBytes
        if let last = messages.last, joins(last, byteCount, to: destination) {
            usedBytes += byteCount
            messages[messages.count - 1].bytes += byteCount
            messages[messages.count - 1].datagrams += 1
            if byteCount < last.segmentBytes { messages[messages.count - 1].isClosed = true }
            return .joinsLast(offset: offset)
        }
        guard messages.count < maxMessages, usedBytes + byteCount <= bufferBytes else {
            return .sendFirst
        }
        usedBytes += byteCount
        messages.append(
            Message(
                destination: destination, offset: offset, bytes: byteCount, segmentBytes: byteCount, datagrams: 1,
                isClosed: byteCount == 0))
        return .startsMessage(offset: offset)
    }

    /// Whether a datagram joins `last` as one more segment: a non-empty one no longer than
    /// the run's segments, to its destination, within the kernel's limits of a segmented
    /// send and the buffer's room. An empty datagram never joins: the kernel would find no
    /// segment for it, and it would vanish.
    private func joins(_ last: Message, _ byteCount: Int, to destination: PeerAddress) -> Bool {
        segments && !last.isClosed && byteCount > 0 && byteCount <= last.segmentBytes
            && last.datagrams < UDPSocket.maxSegmentsPerSend
            && last.bytes + byteCount <= UDPSocket.maxSegmentedBytes
            && usedBytes + byteCount <= bufferBytes && destination == last.destination
    }

    /// Forgets the planned messages, keeping the list's room.
    mutating func reset() {
        messages.removeAll(keepingCapacity: true)
        usedBytes = 0
    }
}
