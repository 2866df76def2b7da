import NIOCore
import NetplayBase

#if canImport(Glibc)
import CNetplaySockets
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends a batch of datagrams in as few system calls as the system allows; both drivers send
/// through one.
///
/// On Linux one `sendmmsg` carries up to 32 messages, each to its own destination: a host's
/// snapshot to every client crosses into the kernel once or twice, not once per client. A
/// message may itself be a run of one destination's equal-size datagrams that the kernel
/// splits at the last moment (UDP segmentation offload, "GSO", what QUIC stacks use; laid out
/// by ``SendPlan``): a bulk transfer's fragments walk the kernel's send path once, not once
/// each. The receiver sees exactly the datagrams separate sends would have produced.
///
/// Nothing is copied: the call points at each datagram's own bytes, every array of the call
/// borrowed at once by nesting one borrow inside the next. A lone datagram, every one of a
/// round trip, is a plain `sendto`. Elsewhere than Linux, one `sendto` a datagram.
///
/// Not copyable, so the memory it keeps for the call is never shared: each owner holds one
/// and uses it from one thread at a time (the event loop, or under the socket's lock).
struct DatagramBatchWriter: ~Copyable, Sendable {
    /// Messages one call carries. Linux takes up to `UIO_MAXIOV` (1,024), but past a few
    /// dozen the call's entry and exit are a small share of the batch.
    static let maxMessages = 32
    /// Datagrams one call carries in all: room for one full run of segments.
    static let maxDatagrams = UDPSocket.maxSegmentsPerSend

    private var plan: SendPlan
    /// The datagrams of the call being planned, held (not copied) until it is sent.
    private var pending: [[UInt8]] = []
    #if os(Linux)
    private var buffers: Buffers?
    #endif

    /// - Parameter segments: whether runs may go as one message (where the system has
    ///   segmentation offload: see `UDPDriver.Configuration.segmentsSends`).
    init(segments: Bool) {
        plan = SendPlan(maxMessages: Self.maxMessages, maxDatagrams: Self.maxDatagrams, segments: segments)
    }

    /// Sends `count` datagrams that `datagram` gives by index, in order, on `descriptor`.
    /// Datagrams to addresses this socket cannot reach are dropped; every outcome is counted
    /// in `statistics`.
    mutating func write(
        count: Int, on descriptor: CInt, socketFamily: PeerAddress.Family,
        statistics: inout UDPDriver.Statistics, _ datagram: (Int) -> (PeerAddress, [UInt8])
    ) {
        #if os(Linux)
        if count > 1 {
            writeBatched(count: count, on: descriptor, socketFamily: socketFamily, statistics: &statistics, datagram)
            return
        }
        #endif
        UDPSocket.sendEach(count: count, on: descriptor, socketFamily: socketFamily, statistics: &statistics, datagram)
    }

    #if os(Linux)
    private mutating func writeBatched(
        count: Int, on descriptor: CInt, socketFamily: PeerAddress.Family,
        statistics: inout UDPDriver.Statistics, _ datagram: (Int) -> (PeerAddress, [UInt8])
    ) {
        let buffers = self.buffers ?? Buffers()
        self.buffers = buffers
        for index in 0..<count {
            let (destination, bytes) = datagram(index)
            guard let remote = SocketName.of(destination, socketFamily: socketFamily, countingDropsIn: &statistics)
            else { continue }
            var placement = plan.place(bytes.count, to: destination)
            if placement == .sendFirst {
                flush(on: descriptor, buffers: buffers, statistics: &statistics)
                placement = plan.place(bytes.count, to: destination)
            }
            if placement == .startsMessage { buffers.setName(remote, of: plan.messages.count - 1) }
            pending.append(bytes)
        }
        flush(on: descriptor, buffers: buffers, statistics: &statistics)
    }

    /// Sends the planned messages, and resets the plan.
    private mutating func flush(on descriptor: CInt, buffers: Buffers, statistics: inout UDPDriver.Statistics) {
        defer {
            plan.reset()
            pending.empty()
        }
        let messages = plan.messages
        guard !messages.isEmpty else { return }
        var segmentsRefused = false
        Self.borrowing(pending, from: 0, into: buffers) {
            for index in messages.indices { buffers.prepare(messages[index], at: index) }
            segmentsRefused = Self.send(messages, on: descriptor, buffers: buffers, statistics: &statistics)
        }
        if segmentsRefused { plan.segments = false }
    }

    /// Points vector `index` and every later one at its datagram's bytes, then runs `body`
    /// while all of them are borrowed: each borrow is valid only inside its closure, so each
    /// next one is taken inside the last (at most ``maxDatagrams`` deep).
    private static func borrowing(
        _ datagrams: [[UInt8]], from index: Int, into buffers: Buffers, _ body: () -> Void
    ) {
        guard index < datagrams.count else {
            body()
            return
        }
        datagrams[index].withUnsafeBytes { bytes in
            let base = UnsafeMutableRawPointer(mutating: bytes.baseAddress)
            buffers.vectors[index] = iovec(iov_base: base, iov_len: bytes.count)
            borrowing(datagrams, from: index + 1, into: buffers, body)
        }
    }

    /// Sends `messages`, prepared in `buffers`. A message the system refuses is counted and
    /// skipped, and the call resumes after it: each round sends at least one message or skips
    /// one, so the loop ends. Returns whether the socket turned out unable to segment.
    private static func send(
        _ messages: [SendPlan.Message], on descriptor: CInt, buffers: Buffers,
        statistics: inout UDPDriver.Statistics
    ) -> Bool {
        var segmentsRefused = false
        var next = 0
        while next < messages.count {
            let (sent, code) = buffers.send(from: next, count: messages.count - next, on: descriptor)
            statistics.sendCalls += 1
            if sent > 0 {
                for message in messages[next..<next + sent] {
                    if message.datagrams > 1 { statistics.segmentedSends += 1 }
                    statistics.count(.sent, datagrams: message.datagrams, bytes: message.bytes)
                }
                next += sent
                continue
            }
            // The first message left failed, with this errno (a call that sent some stops
            // before a failure, and the next call, starting there, reports it).
            let failed = messages[next]
            let index = next
            next += 1
            guard failed.datagrams > 1 else {
                statistics.count(UDPSocket.SendOutcome(failure: code), bytes: failed.bytes)
                continue
            }
            switch RunRefusal(code) {
            case .sendSeparately:
                sendSeparately(failed, index: index, on: descriptor, buffers: buffers, statistics: &statistics)
            case .sendSeparatelyFromNowOn:
                segmentsRefused = true
                sendSeparately(failed, index: index, on: descriptor, buffers: buffers, statistics: &statistics)
            case .lost(let outcome):
                statistics.count(outcome, datagrams: failed.datagrams, bytes: failed.bytes)
            }
        }
        return segmentsRefused
    }

    /// Sends a refused run's datagrams (message `index` of the call) with one `sendto` each.
    private static func sendSeparately(
        _ message: SendPlan.Message, index: Int, on descriptor: CInt, buffers: Buffers,
        statistics: inout UDPDriver.Statistics
    ) {
        for datagram in message.firstDatagram..<message.firstDatagram + message.datagrams {
            let length = buffers.vectors[datagram].iov_len
            statistics.sendCalls += 1
            statistics.count(buffers.sendOne(datagram, toDestinationOf: index, on: descriptor), bytes: length)
        }
    }
    #endif
}

extension DatagramBatchWriter {
    /// What to do with a run (a message of several datagrams) the system refused, by `errno`.
    enum RunRefusal: Equatable {
        /// This run's shape: a segment over the route's MTU. Linux said `EINVAL` until 2021
        /// and `EMSGSIZE` since ("udp: gso: do not drop small packets when PMTU reduces",
        /// also in the 5.4 and 5.10 stable kernels), where a plain send of each datagram
        /// still goes (the kernel fragments it). Later runs may go whole.
        case sendSeparately
        /// This socket cannot segment at all (`EIO`: a route without checksum offload, an
        /// IPsec route; `ENOPROTOOPT`, `EOPNOTSUPP`): one by one now and from now on.
        case sendSeparatelyFromNowOn
        /// Anything else befalls the run's datagrams as it would each of them: a full send
        /// buffer, no route, a firewall.
        case lost(UDPSocket.SendOutcome)

        init(_ code: CInt) {
            switch code {
            case EINVAL, EMSGSIZE: self = .sendSeparately
            case EIO, ENOPROTOOPT, EOPNOTSUPP: self = .sendSeparatelyFromNowOn
            default: self = .lost(UDPSocket.SendOutcome(failure: code))
            }
        }
    }
}

#if os(Linux)
extension DatagramBatchWriter {
    /// What one `sendmmsg` call reads besides the datagrams: a header, an address and a
    /// segment-size control message per message, a vector per datagram. Allocated at the
    /// writer's first batch (4.5 KiB), freed with it.
    ///
    /// `@unchecked Sendable`: raw memory with no lock. Only its writer holds a reference (the
    /// writer cannot be copied and never hands it out), and a writer is used by one thread at
    /// a time, so no two threads ever touch it at once.
    private final class Buffers: @unchecked Sendable {
        let headers = UnsafeMutableBufferPointer<CNetplay_mmsghdr>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: DatagramBatchWriter.maxDatagrams)
        /// Room for an IPv6 address, the larger of the two a destination can be.
        let names = UnsafeMutableBufferPointer<sockaddr_in6>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let nameLengths = UnsafeMutableBufferPointer<socklen_t>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let controls = UnsafeMutableRawBufferPointer.allocate(
            byteCount: DatagramBatchWriter.maxMessages * Buffers.controlBytes,
            alignment: MemoryLayout<cmsghdr>.alignment)

        /// One control message: its header, then the segment size as a 16-bit number, padded
        /// to the header's alignment (`CMSG_SPACE(sizeof(uint16_t))` in C).
        static let controlBytes = MemoryLayout<cmsghdr>.stride + MemoryLayout<Int>.stride

        deinit {
            headers.deallocate()
            vectors.deallocate()
            names.deallocate()
            nameLengths.deallocate()
            controls.deallocate()
        }

        func setName(_ remote: SocketName, of index: Int) {
            names[index] = remote.storage
            nameLengths[index] = remote.length
        }

        /// Fills message `index`'s header for `message`: its datagrams' vectors, its address,
        /// and for a run the segment size.
        func prepare(_ message: SendPlan.Message, at index: Int) {
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(names.baseAddress! + index)
            header.msg_namelen = nameLengths[index]
            header.msg_iov = vectors.baseAddress! + message.firstDatagram
            header.msg_iovlen = message.datagrams
            if message.datagrams > 1 {
                let control = controls.baseAddress! + index * Self.controlBytes
                control.initializeMemory(as: UInt8.self, repeating: 0, count: Self.controlBytes)
                let controlHeader = control.assumingMemoryBound(to: cmsghdr.self)
                controlHeader.pointee.cmsg_len = MemoryLayout<cmsghdr>.stride + MemoryLayout<UInt16>.size
                controlHeader.pointee.cmsg_level = UDPSocket.udpLevel
                controlHeader.pointee.cmsg_type = UDPSocket.udpSegment
                control.storeBytes(
                    of: UInt16(message.segmentBytes), toByteOffset: MemoryLayout<cmsghdr>.stride, as: UInt16.self)
                header.msg_control = control
                header.msg_controllen = Self.controlBytes
            }
            headers[index] = CNetplay_mmsghdr(msg_hdr: header, msg_len: 0)
        }

        /// One `sendmmsg` of messages `first..<first + count`: how many were sent and, when
        /// none was, the first one's `errno` (`EAGAIN` for a call that returns 0).
        func send(from first: Int, count: Int, on descriptor: CInt) -> (sent: Int, errno: CInt) {
            let sent = Int(CNetplay_sendmmsg(descriptor, headers.baseAddress! + first, CUnsignedInt(count), 0))
            return (sent, sent < 0 ? errno : sent == 0 ? EAGAIN : 0)
        }

        /// One `sendto` of datagram `datagram` to message `index`'s destination.
        func sendOne(_ datagram: Int, toDestinationOf index: Int, on descriptor: CInt) -> UDPSocket.SendOutcome {
            let address = UnsafePointer<sockaddr>(OpaquePointer(names.baseAddress! + index))
            let vector = vectors[datagram]
            let result = sendto(descriptor, vector.iov_base, vector.iov_len, 0, address, nameLengths[index])
            return result < 0 ? UDPSocket.SendOutcome(failure: errno) : .sent
        }
    }
}
#endif
