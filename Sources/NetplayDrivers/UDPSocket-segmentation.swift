import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UDPSocket {
    /// Whether this system takes segmented sends: Linux 4.18 or later, where `UDP_SEGMENT`
    /// exists. Checked before any run is sent, because an older kernel ignores the control
    /// message without an error and would send the whole run as one oversize datagram.
    static let segmentsSends = System.supportsUDPSegmentationOffload

    /// The most datagrams one segmented send may carry: Linux's `UDP_MAX_SEGMENTS` since 4.18
    /// (later kernels allow more).
    static let maxSegmentsPerSend = 64
    /// The most bytes one segmented send may carry: the whole run is one UDP datagram until
    /// the kernel splits it, so it must fit an IPv4 datagram's 65,507 bytes.
    static let maxSegmentedBytes = 65_000

    #if os(Linux)
    /// `SOL_UDP` and `UDP_SEGMENT` from `<netinet/udp.h>`, which Swift's Glibc does not export:
    /// a message's control message asks the kernel to split it into datagrams of a given size.
    static let udpLevel: CInt = 17
    static let udpSegment: CInt = 103
    /// `UDP_GRO`: the kernel may hand over a run of one sender's equal-size datagrams in one
    /// read, with a control message that gives their size.
    static let udpReceiveOffload: CInt = 104
    #endif

    /// Whether this system coalesces received datagrams (`UDP_GRO`, Linux 5.0 or later).
    static let offloadsReceive = System.supportsUDPReceiveOffload

    /// Room for one coalesced read: a whole UDP datagram, the largest run the kernel hands over.
    static let coalescedReadBytes = 1 << 16

    /// Turns receive offload off for `descriptor` again.
    static func endReceiveOffload(on descriptor: CInt) {
        #if os(Linux)
        var off: CInt = 0
        _ = setsockopt(descriptor, udpLevel, udpReceiveOffload, &off, socklen_t(MemoryLayout<CInt>.size))
        #endif
    }

    /// Turns receive offload on for `descriptor`; false if the system refused.
    static func offloadReceive(on descriptor: CInt) -> Bool {
        #if os(Linux)
        guard offloadsReceive else { return false }
        var on: CInt = 1
        return setsockopt(descriptor, udpLevel, udpReceiveOffload, &on, socklen_t(MemoryLayout<CInt>.size)) == 0
        #else
        return false
        #endif
    }
}
