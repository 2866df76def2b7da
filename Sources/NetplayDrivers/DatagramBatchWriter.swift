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
/// On Linux one `sendmmsg` carries up to 64 messages, each to its own destination: a host's
/// snapshot to every client crosses into the kernel once, not once per client (on this
/// machine a call's entry and exit cost about as much as the kernel's work on a small
/// datagram's way out). A message may itself be a run of one destination's equal-size
/// datagrams that the kernel splits at the last moment (UDP segmentation offload, "GSO", what
/// QUIC stacks use; laid out by ``SendPlan``): a bulk transfer's fragments walk the kernel's
/// send path once, not once each. The receiver sees exactly the datagrams separate sends
/// would have produced.
///
/// A batch's bytes are copied into one buffer the writer keeps, allocated at the first batch
/// of two or more (its arrays cannot all be borrowed at once); a lone datagram, every one of a
/// round trip, leaves from its own array with no copy. Elsewhere than Linux, one `sendto` a
/// datagram.
///
/// Not copyable, so the buffer it keeps is never shared: each owner holds one and uses it
/// from one thread at a time (the event loop, or under the socket's lock).
struct DatagramBatchWriter: ~Copyable, Sendable {
    /// Messages one call carries: Linux takes up to `UIO_MAXIOV` (1,024), and 64 is one
    /// snapshot for every client of a large game.
    static let maxMessages = 64
    /// The buffer a batch's bytes are copied into: one segmented run's 65,000 bytes and room.
    static let bufferBytes = 1 << 17

    private var plan: SendPlan
    #if os(Linux)
    private var buffers: Buffers?
    #endif

    /// - Parameter segments: whether runs may go as one message (where the system has
    ///   segmentation offload: see `UDPDriver.Configuration.segmentsSends`).
    init(segments: Bool) {
        plan = SendPlan(maxMessages: Self.maxMessages, bufferBytes: Self.bufferBytes, segments: segments)
    }

    /// Whether runs go as one message; cleared for good once this socket's route refuses them.
    var segments: Bool { plan.segments }

    /// Sends `count` datagrams that `datagram` gives by index, in order, on `descriptor`.
    /// Datagrams to addresses this socket cannot reach are dropped; every outcome is counted
    /// in `statistics`.
    mutating func write(
        count: Int, on descriptor: CInt, addresses: inout SocketAddressCache,
        statistics: inout UDPDriver.Statistics, _ datagram: (Int) -> (PeerAddress, [UInt8])
    ) {
        #if os(Linux)
        if count > 1 {
            writeBatched(count: count, on: descriptor, addresses: &addresses, statistics: &statistics, datagram)
            return
        }
        #endif
        for index in 0..<count {
            let (destination, bytes) = datagram(index)
            guard let remote = addresses.address(for: destination) else {
                statistics.droppedUnsupportedAddress += 1
                continue
            }
            statistics.sendCalls += 1
            statistics.count(UDPSocket.send(bytes, to: remote, on: descriptor), bytes: bytes.count)
        }
    }

    #if os(Linux)
    private mutating func writeBatched(
        count: Int, on descriptor: CInt, addresses: inout SocketAddressCache,
        statistics: inout UDPDriver.Statistics, _ datagram: (Int) -> (PeerAddress, [UInt8])
    ) {
        let buffers = self.buffers ?? Buffers()
        self.buffers = buffers
        for index in 0..<count {
            let (destination, bytes) = datagram(index)
            guard let remote = addresses.address(for: destination) else {
                statistics.droppedUnsupportedAddress += 1
                continue
            }
            // Bigger than any UDP datagram: the system refuses it, counted as any refusal.
            guard bytes.count <= Self.bufferBytes else {
                statistics.sendCalls += 1
                statistics.count(UDPSocket.send(bytes, to: remote, on: descriptor), bytes: bytes.count)
                continue
            }
            var placement = plan.place(bytes.count, to: destination)
            if placement == .sendFirst {
                flush(on: descriptor, buffers: buffers, statistics: &statistics)
                placement = plan.place(bytes.count, to: destination)
            }
            switch placement {
            case .startsMessage(let offset):
                buffers.setName(remote, of: plan.messages.count - 1)
                buffers.copy(bytes, to: offset)
            case .joinsLast(let offset):
                buffers.copy(bytes, to: offset)
            case .sendFirst:
                preconditionFailure("an empty plan takes any datagram the buffer holds")
            }
        }
        flush(on: descriptor, buffers: buffers, statistics: &statistics)
    }

    /// Sends the planned messages and resets the plan. A message the system refuses is
    /// counted and skipped, and the call resumes after it: each round sends at least one
    /// message or skips one, so the loop ends.
    private mutating func flush(on descriptor: CInt, buffers: Buffers, statistics: inout UDPDriver.Statistics) {
        defer { plan.reset() }
        let messages = plan.messages
        guard !messages.isEmpty else { return }
        for index in messages.indices { buffers.prepare(messages[index], at: index) }
        var next = 0
        while next < messages.count {
            let sent = buffers.send(from: next, count: messages.count - next, on: descriptor)
            statistics.sendCalls += 1
            if sent > 0 {
                for message in messages[next..<next + sent] {
                    if message.datagrams > 1 { statistics.segmentedSends += 1 }
                    statistics.count(.sent, datagrams: message.datagrams, bytes: message.bytes)
                }
                next += sent
                continue
            }
            // The first message left failed, with this errno (a call that sent none returns
            // -1; one that sent some stops before the failure, and this call reports it).
            let code = sent < 0 ? errno : EAGAIN
            let failed = messages[next]
            next += 1
            guard failed.datagrams > 1 else {
                statistics.count(UDPSocket.SendOutcome(failure: code), bytes: failed.bytes)
                continue
            }
            switch code {
            case EINVAL:
                // This run's shape (a segment over the route's MTU, say): one by one.
                sendSeparately(failed, index: next - 1, on: descriptor, buffers: buffers, statistics: &statistics)
            case EIO, ENOPROTOOPT, EOPNOTSUPP:
                // This socket cannot segment at all (a route without checksum offload): one
                // by one, now and from now on.
                plan.segments = false
                sendSeparately(failed, index: next - 1, on: descriptor, buffers: buffers, statistics: &statistics)
            default:
                statistics.count(UDPSocket.SendOutcome(failure: code), datagrams: failed.datagrams, bytes: failed.bytes)
            }
        }
    }

    /// Sends a refused run's datagrams (message `index` of the call) with one `sendto` each.
    private func sendSeparately(
        _ message: SendPlan.Message, index: Int, on descriptor: CInt, buffers: Buffers,
        statistics: inout UDPDriver.Statistics
    ) {
        var start = message.offset
        let end = message.offset + message.bytes
        while start < end {
            let length = min(message.segmentBytes, end - start)
            let outcome = buffers.sendOne(at: start, length: length, toDestinationOf: index, on: descriptor)
            statistics.sendCalls += 1
            statistics.count(outcome, bytes: length)
            start += length
        }
    }
    #endif
}

#if os(Linux)
extension DatagramBatchWriter {
    /// The memory one `sendmmsg` call reads: the bytes, one header, vector, address and
    /// segment-size control message per message. Allocated once, freed with the writer.
    ///
    /// `@unchecked Sendable`: raw memory with no lock. Only its writer holds a reference (the
    /// writer cannot be copied and never hands it out), and a writer is used by one thread at
    /// a time, so no two threads ever touch it at once.
    private final class Buffers: @unchecked Sendable {
        let bytes = UnsafeMutableRawBufferPointer.allocate(
            byteCount: DatagramBatchWriter.bufferBytes, alignment: 16)
        let headers = UnsafeMutableBufferPointer<CNetplay_mmsghdr>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let vectors = UnsafeMutableBufferPointer<iovec>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let names = UnsafeMutableBufferPointer<sockaddr_storage>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let nameLengths = UnsafeMutableBufferPointer<socklen_t>.allocate(capacity: DatagramBatchWriter.maxMessages)
        let controls = UnsafeMutableRawBufferPointer.allocate(
            byteCount: DatagramBatchWriter.maxMessages * Buffers.controlBytes,
            alignment: MemoryLayout<cmsghdr>.alignment)

        /// One control message: its header, then the segment size as a 16-bit number, padded
        /// to the header's alignment (`CMSG_SPACE(sizeof(uint16_t))` in C).
        static let controlBytes = MemoryLayout<cmsghdr>.stride + MemoryLayout<Int>.stride

        deinit {
            bytes.deallocate()
            headers.deallocate()
            vectors.deallocate()
            names.deallocate()
            nameLengths.deallocate()
            controls.deallocate()
        }

        func copy(_ datagram: [UInt8], to offset: Int) {
            datagram.withUnsafeBytes { source in
                guard let base = source.baseAddress else { return }
                (bytes.baseAddress! + offset).copyMemory(from: base, byteCount: source.count)
            }
        }

        func setName(_ remote: SocketAddress, of index: Int) {
            remote.withSockAddr { address, length in
                UnsafeMutableRawPointer(names.baseAddress! + index).copyMemory(from: address, byteCount: length)
                nameLengths[index] = socklen_t(length)
            }
        }

        /// Fills message `index`'s header for `message`: its bytes, its address, and for a run
        /// the segment size.
        func prepare(_ message: SendPlan.Message, at index: Int) {
            vectors[index] = iovec(iov_base: bytes.baseAddress! + message.offset, iov_len: message.bytes)
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(names.baseAddress! + index)
            header.msg_namelen = nameLengths[index]
            header.msg_iov = vectors.baseAddress! + index
            header.msg_iovlen = 1
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

        /// One `sendmmsg` of messages `first..<first + count`.
        func send(from first: Int, count: Int, on descriptor: CInt) -> Int {
            Int(CNetplay_sendmmsg(descriptor, headers.baseAddress! + first, CUnsignedInt(count), 0))
        }

        /// One `sendto` of `length` bytes at `offset` to message `index`'s destination.
        func sendOne(at offset: Int, length: Int, toDestinationOf index: Int, on descriptor: CInt)
            -> UDPSocket.SendOutcome
        {
            let address = UnsafePointer<sockaddr>(OpaquePointer(names.baseAddress! + index))
            let result = sendto(descriptor, bytes.baseAddress! + offset, length, 0, address, nameLengths[index])
            return result < 0 ? UDPSocket.SendOutcome(failure: errno) : .sent
        }
    }
}
#endif
