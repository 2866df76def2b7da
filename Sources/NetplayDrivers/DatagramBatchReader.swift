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
    /// Each slot's room for control messages: a run's datagram size (`UDP_GRO`, for a
    /// coalescing reader) and the kernel's receive time (`SO_TIMESTAMPNS`, when the socket
    /// asks for it). The kernel writes none the socket did not ask for.
    private let control: UnsafeMutableRawBufferPointer
    /// Whether the reader takes runs of receive offload, which a control message splits.
    private let coalesces: Bool
    /// What each slot's control messages said at the last read, valid while ``foundAny``.
    private let found: UnsafeMutableBufferPointer<CNetplay_ReceiveControl>
    /// Whether the last read gave control messages room (and read something).
    private var foundAny = false
    #else
    /// The bytes the last call read into the one slot.
    private var receivedLength = 0
    #endif

    /// Bytes of slots a reader keeps at most: 4 full-size datagrams' worth. Every slot is
    /// touched, so resident, once a burst fills them, while a fifth slot would save a host
    /// draining 64 inputs only a few of its 17 calls. Fewer slots for larger caps; always one.
    static let maxSlotBytes = 6 * 1024

    /// Room for a slot's control messages on every 64-bit Linux: one of a `CInt`
    /// (`CMSG_SPACE(sizeof(int))`, 24 bytes: a 16-byte header and the value, aligned to 8) and
    /// one of a `timespec` (32).
    private static let controlBytes = 64

    /// Slots for datagrams of at most `maxDatagramBytes`; with `coalescing`, one slot for a
    /// run of them read with receive offload on (``segmentSize(of:)`` says how to split it).
    init(maxDatagramBytes: Int, coalescing: Bool = false) {
        slotBytes = coalescing ? UDPSocket.coalescedReadBytes : maxDatagramBytes + 1
        #if os(Linux)
        capacity = coalescing ? 1 : max(1, min(4, Self.maxSlotBytes / slotBytes))
        control = .allocate(byteCount: capacity * Self.controlBytes, alignment: 8)
        self.coalesces = coalescing
        found = .allocate(capacity: capacity)
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
            header.msg_control = control.baseAddress! + slot * Self.controlBytes
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
        control.deallocate()
        found.deallocate()
        #endif
    }

    /// Reads up to `limit` datagrams (at most ``capacity``) from a non-blocking socket, with
    /// room for their control messages if `stamped` (the socket stamps arrivals) or the reader
    /// coalesces. Returns how many were read, or -1 with `errno` set (`EAGAIN`: none waiting).
    func read(on descriptor: CInt, limit: Int, stamped: Bool = false) -> Int {
        #if os(Linux)
        let count = max(1, min(limit, capacity))
        // The headers point at their slots for good; a call rewrites only the lengths of the
        // address and the control room (and the length read and flags, outputs). Without
        // control messages to take, the room is left as the last call left it: the kernel
        // wrote there how much it used, and writes none now (some 150 instructions a round
        // trip, setting it up for every call).
        let takesControl = stamped || coalesces
        for slot in 0..<count {
            headers[slot].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            if takesControl { headers[slot].msg_hdr.msg_controllen = Self.controlBytes }
        }
        let read = CNetplay_recvmmsg(descriptor, headers.baseAddress!, CUnsignedInt(count), 0)
        foundAny = takesControl && read > 0
        if foundAny { CNetplay_receiveControls(headers.baseAddress!, CUnsignedInt(read), found.baseAddress!) }
        return Int(read)
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
        guard let size = controlMessages(of: slot)?.segmentSize, size > 0 else { return nil }
        return Int(size)
        #else
        return nil
        #endif
    }

    /// When the kernel received `slot`'s datagram, in nanoseconds of `CLOCK_REALTIME`
    /// (`SO_TIMESTAMPNS`); nil when the socket did not ask for it.
    func receivedAtRealtimeNanoseconds(of slot: Int) -> Int64? {
        #if os(Linux)
        guard let stamp = controlMessages(of: slot)?.receivedAtNanoseconds, stamp >= 0 else { return nil }
        return Int64(stamp)
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// What `slot`'s control messages said at the last read; nil when it gave them no room.
    private func controlMessages(of slot: Int) -> CNetplay_ReceiveControl? {
        foundAny ? found[slot] : nil
    }
    #endif

    /// Where `slot`'s datagram came from.
    func source(of slot: Int) -> sockaddr_storage { sources[slot] }

    /// Where `slot`'s datagram came from, as a ``PeerAddress``; nil if not from an IP address.
    func sourceAddress(of slot: Int) -> PeerAddress? { PeerAddress(sources[slot]) }

    /// The first `length` bytes of `slot`, valid until the next ``read(on:limit:)``.
    func bytes(of slot: Int, length: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes.baseAddress! + slot * slotBytes, count: min(length, slotBytes))
    }
}
