import NetplayBase

#if canImport(Glibc)
import CNetplaySockets
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Room for the datagrams one system call reads: on Linux a `recvmmsg` fills up to
/// ``capacity`` of them, so a host draining 64 clients' inputs at a frame crosses into the
/// kernel 17 times instead of 65 (each datagram's read, and the read that finds the
/// socket empty). Elsewhere one `recvfrom` fills the first slot.
///
/// Each slot is one byte over the largest datagram accepted, so an oversize datagram shows as
/// oversize (its length past the cap), never as a truncated one that looks whole.
///
/// `@unchecked Sendable`: raw memory with no lock. A reader is held by one thread at a time:
/// the game-thread socket keeps it in lock-guarded state, and a read takes it out and puts it
/// back after; a SwiftNIO driver's handler keeps its own, used only on its event loop. Two
/// reads never fill or read the same slots.
final class DatagramBatchReader: @unchecked Sendable {
    /// Datagrams one call may read.
    let capacity: Int
    /// Bytes a slot holds: the cap plus one.
    let slotBytes: Int
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let sources: UnsafeMutableBufferPointer<sockaddr_storage>
    #if os(Linux)
    /// Each slot's header, which also says how many bytes the last call read into it.
    private let headers: UnsafeMutableBufferPointer<CNetplay_mmsghdr>
    private let vectors: UnsafeMutableBufferPointer<iovec>
    /// A coalescing reader's room for the control message that gives a run's datagram size
    /// (nil for a reader of single datagrams).
    private let control: UnsafeMutableRawBufferPointer?
    #else
    /// The bytes the last call read into the one slot.
    private var receivedLength = 0
    #endif

    /// Bytes of slots a reader keeps at most: 4 full-size datagrams' worth. Every slot is
    /// touched, so resident, once a burst fills them, while a fifth slot would save a host
    /// draining 64 inputs only a few of its 17 calls. Fewer slots for larger caps; always one.
    static let maxSlotBytes = 6 * 1024

    /// Room for a control message of one `CInt` (`CMSG_SPACE(sizeof(int))` on every 64-bit
    /// Linux: a 16-byte header and the value, aligned to 8).
    private static let controlBytes = 24

    /// Slots for datagrams of at most `maxDatagramBytes`; with `coalescing`, one slot for a
    /// run of them read with receive offload on (``segmentSize(of:)`` says how to split it).
    init(maxDatagramBytes: Int, coalescing: Bool = false) {
        slotBytes = coalescing ? UDPSocket.coalescedReadBytes : maxDatagramBytes + 1
        #if os(Linux)
        capacity = coalescing ? 1 : max(1, min(4, Self.maxSlotBytes / slotBytes))
        control = coalescing ? .allocate(byteCount: Self.controlBytes, alignment: 8) : nil
        #else
        capacity = 1
        #endif
        bytes = .allocate(capacity: capacity * slotBytes)
        sources = .allocate(capacity: capacity)
        #if os(Linux)
        headers = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        for slot in 0..<capacity {
            vectors[slot] = iovec(iov_base: bytes.baseAddress! + slot * slotBytes, iov_len: slotBytes)
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(sources.baseAddress! + slot)
            header.msg_iov = vectors.baseAddress! + slot
            header.msg_iovlen = 1
            headers[slot] = CNetplay_mmsghdr(msg_hdr: header, msg_len: 0)
        }
        #endif
    }

    deinit {
        bytes.deallocate()
        sources.deallocate()
        #if os(Linux)
        headers.deallocate()
        vectors.deallocate()
        control?.deallocate()
        #endif
    }

    /// Reads up to `limit` datagrams (at most ``capacity``) from a non-blocking socket.
    /// Returns how many were read, or -1 with `errno` set (`EAGAIN`: none waiting).
    func read(on descriptor: CInt, limit: Int) -> Int {
        #if os(Linux)
        let count = max(1, min(limit, capacity))
        // The headers point at their slots for good; a call rewrites only the address's
        // length (and the length read and flags, outputs).
        for slot in 0..<count { headers[slot].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size) }
        if let control {
            headers[0].msg_hdr.msg_control = control.baseAddress
            headers[0].msg_hdr.msg_controllen = control.count
        }
        return Int(CNetplay_recvmmsg(descriptor, headers.baseAddress!, CUnsignedInt(count), 0))
        #else
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let source = UnsafeMutablePointer<sockaddr>(OpaquePointer(sources.baseAddress!))
        let received = recvfrom(descriptor, bytes.baseAddress, slotBytes, 0, source, &length)
        guard received >= 0 else { return -1 }
        receivedLength = received
        return 1
        #endif
    }

    /// The bytes read into `slot` (past the cap when the datagram was oversize).
    func length(of slot: Int) -> Int {
        #if os(Linux)
        Int(headers[slot].msg_len)
        #else
        receivedLength
        #endif
    }

    /// The size of the datagrams a coalesced read put in `slot` back to back (the last may be
    /// shorter), from the kernel's `UDP_GRO` control message; nil for a single datagram.
    func segmentSize(of slot: Int) -> Int? {
        #if os(Linux)
        guard let control, slot == 0 else { return nil }
        let header = headers[0].msg_hdr
        // cmsghdr: a size_t length, then level and type (CInts), then the value.
        guard header.msg_controllen >= 20 else { return nil }
        let length = control.load(as: Int.self)
        let level = control.load(fromByteOffset: 8, as: CInt.self)
        let type = control.load(fromByteOffset: 12, as: CInt.self)
        guard length >= 20, level == UDPSocket.udpLevel, type == UDPSocket.udpReceiveOffload else { return nil }
        let size = Int(control.load(fromByteOffset: 16, as: CInt.self))
        return size > 0 ? size : nil
        #else
        return nil
        #endif
    }

    /// Where `slot`'s datagram came from.
    func source(of slot: Int) -> sockaddr_storage { sources[slot] }

    /// Where `slot`'s datagram came from, as a ``PeerAddress``; nil if not from an IP address.
    func sourceAddress(of slot: Int) -> PeerAddress? { PeerAddress(sources[slot]) }

    /// The first `length` bytes of `slot`, valid until the next ``read(on:limit:)``.
    func bytes(of slot: Int, length: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes.baseAddress! + slot * slotBytes, count: min(length, slotBytes))
    }
}
