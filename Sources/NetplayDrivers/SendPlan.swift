import NetplayBase

/// How a batch of datagrams is laid out for one `sendmmsg` system call: a list of messages,
/// each one datagram or a run of one destination's datagrams that the kernel splits (UDP
/// segmentation offload). Only the layout: the ``DatagramBatchWriter`` points the call at the
/// datagrams' bytes and makes it.
///
/// A run's datagrams share its first datagram's size but a shorter last one, the shape the
/// kernel splits (a bulk transfer's full-size fragments, then its tail).
struct SendPlan {
    /// One message of the call.
    struct Message: Equatable {
        var destination: PeerAddress
        /// Its first datagram's place in the call's list of datagrams.
        var firstDatagram: Int
        /// How many datagrams it carries, in the list from `firstDatagram` on.
        var datagrams: Int
        /// All of its datagrams' bytes.
        var bytes: Int
        /// The size of each datagram but a shorter last one.
        var segmentBytes: Int
        /// A datagram shorter than the first (or an empty first) ended the run.
        var isClosed: Bool
    }

    /// What to do with the next datagram.
    enum Placement: Equatable {
        /// It is one more datagram of the last message.
        case joinsLast
        /// It starts a new message.
        case startsMessage
        /// The call is full: send what is planned, ``reset()``, then place it again.
        case sendFirst
    }

    /// Messages one call may carry.
    let maxMessages: Int
    /// Datagrams one call may carry, in all its messages.
    let maxDatagrams: Int
    /// Whether messages may be runs.
    var segments: Bool
    private(set) var messages: [Message] = []
    private(set) var datagrams = 0

    init(maxMessages: Int, maxDatagrams: Int, segments: Bool) {
        self.maxMessages = maxMessages
        self.maxDatagrams = maxDatagrams
        self.segments = segments
        messages.reserveCapacity(maxMessages)
    }

    /// Places a datagram of `byteCount` bytes to `destination` after those placed so far;
    /// after `.sendFirst` nothing changed.
    mutating func place(_ byteCount: Int, to destination: PeerAddress) -> Placement {
        guard datagrams < maxDatagrams else { return .sendFirst }
        if let last = messages.last, joins(last, byteCount, to: destination) {
            datagrams += 1
            messages[messages.count - 1].bytes += byteCount
            messages[messages.count - 1].datagrams += 1
            if byteCount < last.segmentBytes { messages[messages.count - 1].isClosed = true }
            return .joinsLast
        }
        guard messages.count < maxMessages else { return .sendFirst }
        messages.append(
            Message(
                destination: destination, firstDatagram: datagrams, datagrams: 1, bytes: byteCount,
                segmentBytes: byteCount, isClosed: byteCount == 0))
        datagrams += 1
        return .startsMessage
    }

    /// Whether a datagram joins `last` as one more segment: a non-empty one no longer than
    /// the run's segments, to its destination, within the kernel's limits of a segmented
    /// send. An empty datagram never joins: the kernel would find no segment for it, and it
    /// would vanish.
    private func joins(_ last: Message, _ byteCount: Int, to destination: PeerAddress) -> Bool {
        segments && !last.isClosed && byteCount > 0 && byteCount <= last.segmentBytes
            && last.datagrams < UDPSocket.maxSegmentsPerSend
            && last.bytes + byteCount <= UDPSocket.maxSegmentedBytes && destination == last.destination
    }

    /// Forgets the planned messages, keeping the list's room.
    mutating func reset() {
        messages.removeAll(keepingCapacity: true)
        datagrams = 0
    }
}
