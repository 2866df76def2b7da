import NIOCore
import NetplayBase

/// Consecutive datagrams of one batch to one destination, gathered so that one system call
/// sends them all (``UDPSocket/send(segmentsOf:segmentBytes:to:on:)``).
///
/// A run's datagrams share its first datagram's size, except a shorter last one: that is the
/// shape the kernel splits (a bulk transfer's full-size fragments, then its tail). The first
/// datagram is held as it came; bytes are copied into the run's own buffer only once a second
/// one joins, so a run of one costs nothing over a plain send.
struct SegmentRun {
    private(set) var destination: PeerAddress?
    private(set) var remote: SocketAddress?
    private(set) var segmentBytes = 0
    private(set) var count = 0
    /// The first datagram, until a second joins.
    private(set) var first: [UInt8] = []
    /// Every datagram of the run back to back, once it has two.
    private(set) var joined: [UInt8] = []
    /// A datagram shorter than the first ended the run.
    private var isClosed = false

    /// Whether `bytes` to `destination` can join this run. An empty datagram never does: the
    /// kernel would find no segment for it, and it would vanish.
    func accepts(_ bytes: [UInt8], to destination: PeerAddress) -> Bool {
        count > 0 && !isClosed && count < UDPSocket.maxSegmentsPerSend
            && Self.fits(
                bytes, to: destination, segmentBytes: segmentBytes, runBytes: segmentBytes * count,
                runDestination: self.destination)
    }

    /// Whether a run started with `first` to `destination` would take `next` to `nextDestination`:
    /// ``accepts(_:to:)`` of the run ``start(_:to:at:)`` would make.
    static func canFollow(
        _ next: [UInt8], to nextDestination: PeerAddress, after first: [UInt8], to destination: PeerAddress
    ) -> Bool {
        !first.isEmpty
            && fits(
                next, to: nextDestination, segmentBytes: first.count, runBytes: first.count,
                runDestination: destination)
    }

    /// The rule both share: a non-empty datagram no longer than the run's segments, to the
    /// run's destination, that keeps the run within one send's bytes.
    private static func fits(
        _ bytes: [UInt8], to destination: PeerAddress, segmentBytes: Int, runBytes: Int, runDestination: PeerAddress?
    ) -> Bool {
        !bytes.isEmpty && bytes.count <= segmentBytes && runBytes + bytes.count <= UDPSocket.maxSegmentedBytes
            && destination == runDestination
    }

    /// Starts a run with one datagram; the previous run must have been sent and ``clear()``ed.
    mutating func start(_ bytes: [UInt8], to destination: PeerAddress, at remote: SocketAddress) {
        self.destination = destination
        self.remote = remote
        segmentBytes = bytes.count
        count = 1
        first = bytes
        isClosed = bytes.isEmpty
    }

    /// Adds a datagram ``accepts(_:to:)`` allowed.
    mutating func append(_ bytes: [UInt8]) {
        if count == 1 {
            joined.reserveCapacity(UDPSocket.maxSegmentedBytes)
            joined.append(contentsOf: first)
            first = []
        }
        joined.append(contentsOf: bytes)
        count += 1
        if bytes.count < segmentBytes { isClosed = true }
    }

    /// Forgets the run, keeping the joined buffer's room, and letting go of the first datagram
    /// so its owner may reuse it.
    mutating func clear() {
        destination = nil
        remote = nil
        count = 0
        first = []
        joined.empty()
        isClosed = false
    }
}
