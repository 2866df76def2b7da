import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UDPSocket {
    /// What became of a run handed to ``send(segmentsOf:segmentBytes:to:on:)``.
    enum SegmentedOutcome: Equatable {
        /// The system took the run as segments; what became of them.
        case sent(SendOutcome)
        /// The system refused this run's shape (`EINVAL`: a segment too large for the route's
        /// MTU, say); its datagrams must go one by one, and later runs may still be taken.
        case refusedRun
        /// This socket cannot segment at all (`EIO`: a route without checksum offload, such
        /// as some tunnels; `ENOPROTOOPT`, `EOPNOTSUPP`; not Linux): send one by one from now on.
        case unsupported
    }

    /// Whether this system takes segmented sends: Linux 4.18 or later, where `UDP_SEGMENT`
    /// exists. Checked before any run is sent, because an older kernel ignores the control
    /// message without an error and would send the whole run as one oversize datagram.
    static let segmentsSends = System.supportsUDPSegmentationOffload

    /// Sends `buffer` as datagrams of `segmentBytes` each (the last may be shorter) in one
    /// system call, with Linux's UDP segmentation offload (`UDP_SEGMENT`, "GSO"): the kernel
    /// walks its send path once for the whole run instead of once per datagram, and splits
    /// it into ordinary datagrams at the last moment. The receiver sees exactly what separate
    /// sends would have produced. Only where ``segmentsSends``.
    static func send(
        segmentsOf buffer: UnsafeRawBufferPointer, segmentBytes: Int, to remote: SocketAddress, on descriptor: CInt
    ) -> SegmentedOutcome {
        #if os(Linux)
        // A control message: its header, then the segment size as a 16-bit number, padded
        // to the header's alignment (what `CMSG_SPACE(sizeof(uint16_t))` is in C).
        let headerBytes = MemoryLayout<cmsghdr>.stride
        let controlBytes = headerBytes + MemoryLayout<Int>.stride
        let result = withUnsafeTemporaryAllocation(byteCount: controlBytes, alignment: MemoryLayout<cmsghdr>.alignment)
        {
            control in
            control.initializeMemory(as: UInt8.self, repeating: 0)
            let header = control.baseAddress!.assumingMemoryBound(to: cmsghdr.self)
            header.pointee.cmsg_len = headerBytes + MemoryLayout<UInt16>.size
            header.pointee.cmsg_level = Self.udpLevel
            header.pointee.cmsg_type = Self.udpSegment
            control.storeBytes(of: UInt16(segmentBytes), toByteOffset: headerBytes, as: UInt16.self)
            var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count)
            return withUnsafeMutablePointer(to: &vector) { vector in
                remote.withSockAddr { address, length in
                    var message = msghdr(
                        msg_name: UnsafeMutableRawPointer(mutating: address), msg_namelen: socklen_t(length),
                        msg_iov: vector, msg_iovlen: 1, msg_control: control.baseAddress,
                        msg_controllen: controlBytes, msg_flags: 0)
                    return sendmsg(descriptor, &message, 0)
                }
            }
        }
        guard result < 0 else { return .sent(.sent) }
        let code = errno
        switch code {
        case EINVAL: return .refusedRun
        case EIO, ENOPROTOOPT, EOPNOTSUPP: return .unsupported
        default: return .sent(SendOutcome(failure: code))
        }
        #else
        return .unsupported
        #endif
    }

    /// The most datagrams one segmented send may carry: Linux's `UDP_MAX_SEGMENTS` since 4.18
    /// (later kernels allow more).
    static let maxSegmentsPerSend = 64
    /// The most bytes one segmented send may carry: the whole run is one UDP datagram until
    /// the kernel splits it, so it must fit an IPv4 datagram's 65,507 bytes.
    static let maxSegmentedBytes = 65_000

    #if os(Linux)
    /// `SOL_UDP` and `UDP_SEGMENT` from `<netinet/udp.h>`, which Swift's Glibc does not export.
    private static let udpLevel: CInt = 17
    private static let udpSegment: CInt = 103
    #endif
}
