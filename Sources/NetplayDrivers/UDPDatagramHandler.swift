import NIOCore
import NetplayBase

/// The channel handler at the heart of a ``UDPDriver``: it owns every piece of mutable driver
/// state, and lives only on the channel's event loop, so none of it needs a lock.
///
/// Inbound it splits coalesced reads, caps size, converts the address and hands
/// `(PeerAddress, bytes)` up; outbound it sends each batch itself, on the socket SwiftNIO reads
/// (see ``UDPSocket`` for why not through SwiftNIO), in as few system calls as it can
/// (``DatagramBatchWriter``).
package final class UDPDatagramHandler: ChannelInboundHandler {
    package typealias InboundIn = AddressedEnvelope<ByteBuffer>

    /// The socket's descriptor, which SwiftNIO owns and closes; sent on only while the channel
    /// is active (``isOpen``), never after SwiftNIO closed it and the number may be reused.
    let socket: CInt
    var isOpen = false
    let maxDatagramBytes: Int
    private let onDatagram: UDPDriver.DatagramHandler
    let onReadComplete: UDPDriver.ReadCompleteHandler?
    /// Datagrams that reached `onDatagram` since the last `onReadComplete`.
    var deliveredSinceReadComplete = 0
    /// After this many, a burst is answered without waiting for its end (see `channelRead`).
    let datagramsPerAnswer: Int
    /// This burst's reads in a row of one sender's datagrams of one size: what receive offload
    /// would have coalesced (see `offloadReceiveIfBehind`). Its longest run counts, as a burst
    /// the drain extends past SwiftNIO's budget (see `drainSocket`) may end with other
    /// datagrams after the run.
    private var run = RunOfOneSender()
    /// Whether receive offload may still be turned on (see `offloadReceiveIfBehind`).
    var mayOffloadReceive: Bool
    let clock: MonotonicClock
    private var context: ChannelHandlerContext?
    package internal(set) var statistics = UDPDriver.Statistics()
    /// The socket's family, which says how a destination is named (see ``SocketName``).
    private let socketFamily: PeerAddress.Family
    /// Sends each batch in as few system calls as the system allows.
    private var writer: DatagramBatchWriter
    /// What each datagram read is copied into for the session, kept for its room: a new array
    /// a datagram was an allocation (and a free) per datagram. Nothing keeps it past the call
    /// but a deferred handshake packet, whose copy then leaves the next read a new one.
    private var readBuffer: [UInt8] = []
    /// Whether the handler reads the rest of a burst itself (see `drainSocket`, in
    /// UDPDatagramHandler-drain.swift): with SwiftNIO's single reads, not its vector reads.
    let drainsBursts: Bool
    /// Reads the rest of a burst after SwiftNIO's first datagrams (see `drainSocket`); made at
    /// the first burst that needs it (4 datagrams' room, 6 KiB at the default cap).
    var drainReader: DatagramBatchReader?
    /// Datagrams this read burst has taken so far, SwiftNIO's and the drain's: together at most
    /// `datagramsPerAnswer` (the configuration's `maxDatagramsPerRead`), so one busy socket
    /// still yields the loop after as many as before.
    var readThisBurst = 0

    package init(
        socket: CInt, socketFamily: PeerAddress.Family, maxDatagramBytes: Int, datagramsPerAnswer: Int,
        segmentsSends: Bool = true, mayOffloadReceive: Bool = false, drainsBursts: Bool = false,
        clock: MonotonicClock, onDatagram: @escaping UDPDriver.DatagramHandler,
        onReadComplete: UDPDriver.ReadCompleteHandler? = nil,
        sentBeforeAdoption: UDPDriver.Statistics = UDPDriver.Statistics()
    ) {
        self.socket = socket
        self.socketFamily = socketFamily
        // The figures start with the sends made before SwiftNIO adopted the socket
        // (``UDPDriver/bind``'s `sendingFirst`), so they count every datagram.
        statistics = sentBeforeAdoption
        self.maxDatagramBytes = maxDatagramBytes
        self.datagramsPerAnswer = datagramsPerAnswer
        writer = DatagramBatchWriter(segments: segmentsSends && UDPSocket.segmentsSends)
        self.mayOffloadReceive = mayOffloadReceive
        self.drainsBursts = drainsBursts
        self.clock = clock
        self.onDatagram = onDatagram
        self.onReadComplete = onReadComplete
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    package func channelActive(context: ChannelHandlerContext) {
        isOpen = true
        context.fireChannelActive()
    }

    package func channelInactive(context: ChannelHandlerContext) {
        // SwiftNIO has closed the descriptor just before telling us, on this same loop.
        isOpen = false
        context.fireChannelInactive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let source = PeerAddress(envelope.remoteAddress)
        var datagrams = envelope.data.readableBytesView
        // A read with receive offload on may carry several datagrams of one sender back to
        // back, all `segmentSize` long but the last (see `UDPDriver.bootstrap`).
        if let segmentBytes = envelope.metadata?.segmentSize, segmentBytes > 0, datagrams.count > segmentBytes {
            statistics.coalescedReads += 1
            while datagrams.count > segmentBytes {
                receive(datagrams.prefix(segmentBytes), from: source, context: context)
                datagrams = datagrams.dropFirst(segmentBytes)
            }
        }
        receive(datagrams, from: source, context: context)
        // One read with receive offload can carry dozens of datagrams, and SwiftNIO makes
        // several reads before it ends the burst: a sender streaming at full speed would hear
        // nothing back until hundreds of its datagrams had been read, and then stand idle for
        // want of acknowledgements while this side worked through them. Answered every
        // `datagramsPerAnswer` instead, as a burst without offload would have been.
        answerLongBurst()
        if mayOffloadReceive { noteRead(from: source, bytes: envelope.data.readableBytes) }
        readThisBurst += 1
        // From SwiftNIO's last datagram of a burst on: a lone datagram (a client's frame, a
        // host's snapshot) would pay the drain's empty read on top of SwiftNIO's own. With
        // receive offload on, SwiftNIO's reads take whole runs (and the drain's would not).
        if drainsBursts, readThisBurst >= Self.swiftNIOReadsPerBurst, !statistics.offloadsReceive {
            drainSocket(context: context)
        }
    }

    /// Lets the owner answer a burst every `datagramsPerAnswer` datagrams, not only at its end.
    func answerLongBurst() {
        guard deliveredSinceReadComplete >= datagramsPerAnswer, let onReadComplete else { return }
        deliveredSinceReadComplete = 0
        onReadComplete(clock.now)
    }

    /// Counts reads in a row of one sender's datagrams of one size: a burst that holds
    /// `datagramsPerAnswer` of them turns receive offload on at its end.
    func noteRead(from source: PeerAddress?, bytes: Int) {
        // An oversize datagram reads as long as the buffer it was cut to, which differs
        // between SwiftNIO's (rounded up) and the drain's: all oversize ones count as one size.
        run.note(source, bytes: min(bytes, maxDatagramBytes + 1))
    }

    /// Turns receive offload on (Linux's `UDP_GRO`, through SwiftNIO's options) after a burst
    /// that filled SwiftNIO's read loop with one sender's datagrams of one size: a stream is
    /// arriving faster than one read each keeps up with, in the shape the kernel coalesces
    /// (many clients' handshakes at once are not: they come from as many senders). From then
    /// on the kernel may hand over a run of one sender's equal-size datagrams in one read,
    /// with their size, and `channelRead` splits it. Not from the start: a coalesced read
    /// needs a 64 KiB buffer (0.25 KiB a connection in the 256-client memory figure) and
    /// SwiftNIO's read with control messages, which a game's one datagram at a time would pay
    /// for nothing.
    private func offloadReceiveIfBehind(context: ChannelHandlerContext) {
        mayOffloadReceive = false
        guard let options = context.channel.syncOptions else { return }
        let plainReads = FixedSizeRecvByteBufferAllocator(capacity: maxDatagramBytes + 1)
        do {
            // The buffer first: a coalesced read into a datagram-size one would be truncated.
            try options.setOption(
                .recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: UDPSocket.coalescedReadBytes))
            try options.setOption(.datagramReceiveOffload, value: true)
        } catch {
            try? options.setOption(.recvAllocator, value: plainReads)
            return
        }
        do {
            try options.setOption(.datagramReceiveSegmentSize, value: true)
            statistics.offloadsReceive = true
            // The drain stands aside from now on: SwiftNIO's reads take the whole burst again.
            if drainsBursts { try? options.setOption(.maxMessagesPerRead, value: UInt(datagramsPerAnswer)) }
        } catch {
            // Coalesced reads without their segment size could not be split: back to one each.
            try? options.setOption(.datagramReceiveOffload, value: false)
            try? options.setOption(.recvAllocator, value: plainReads)
        }
    }

    /// One datagram read from the socket: capped, then handed up. Inlined: a round trip's datagram comes through here,
    /// and the call cost more than the body's checks.
    @inline(__always)
    private func receive(_ datagram: ByteBufferView, from source: PeerAddress?, context: ChannelHandlerContext) {
        datagram.withUnsafeBytes { receive($0, from: source, context: context) }
    }

    /// ``receive(_:from:context:)`` of bytes read by the handler itself (see `drainSocket`),
    /// or lent by SwiftNIO's buffer.
    @inline(__always)
    func receive(_ datagram: UnsafeRawBufferPointer, from source: PeerAddress?, context: ChannelHandlerContext) {
        let size = datagram.count
        statistics.datagramsReceived += 1
        statistics.bytesReceived += size
        guard size <= maxDatagramBytes else {
            statistics.droppedOversize += 1
            return
        }
        guard let source else {
            statistics.droppedUnsupportedAddress += 1
            return
        }
        readBuffer.empty()
        readBuffer.append(contentsOf: datagram)
        onDatagram(source, readBuffer)
        deliveredSinceReadComplete += 1
    }

    /// The end of a read burst: lets the owner answer everything it just received in one
    /// batch (acks, replies) instead of waiting for its next timer.
    package func channelReadComplete(context: ChannelHandlerContext) {
        // Between bursts, not inside one: SwiftNIO decides once per burst whether its reads
        // collect control messages, so a read after the switch in the same burst would come
        // without its segment size.
        if mayOffloadReceive, run.longest >= datagramsPerAnswer { offloadReceiveIfBehind(context: context) }
        run = RunOfOneSender()
        readThisBurst = 0
        if deliveredSinceReadComplete > 0, let onReadComplete {
            deliveredSinceReadComplete = 0
            onReadComplete(clock.now)
        }
        context.fireChannelReadComplete()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // UDP errors (an ICMP unreachable reported on a read) concern one datagram, not the
        // socket: count them and keep serving every other peer. Send errors never get here
        // (see `send(_:to:)`).
        statistics.socketErrors += 1
    }

    /// Sends a batch in order, in as few system calls as the system allows
    /// (``DatagramBatchWriter``): one for the lot on Linux, where consecutive datagrams of one
    /// size to one destination (a bulk transfer's fragments) also travel as one run.
    package func write(_ batch: [(PeerAddress, [UInt8])]) {
        write(count: batch.count) { batch[$0] }
    }

    /// ``write(_:)`` of `count` datagrams given by index.
    package func write(count: Int, _ datagram: (Int) -> (PeerAddress, [UInt8])) {
        guard isOpen else { return }
        writer.write(count: count, on: socket, socketFamily: socketFamily, statistics: &statistics, datagram)
    }
}
