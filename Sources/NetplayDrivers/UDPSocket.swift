import NIOCore
import NetplayBase

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls a ``UDPDriver`` makes itself: opening its socket, and sending.
///
/// SwiftNIO reads the socket, but the driver sends on it directly, because SwiftNIO closes a
/// datagram channel on any `sendto` error but two (`EMSGSIZE`, `EHOSTUNREACH`). A real
/// network returns others for a while and then recovers: `ENETUNREACH` while a cable is out or
/// Wi-Fi drops (the route goes with the link), `EADDRNOTAVAIL` while an address is being
/// changed, `EPERM` from a firewall rule, `ENOBUFS` under memory pressure. Each concerns one
/// datagram; closing the socket over one would end every session on it for good, where the
/// protocol's resume is built to carry a session across exactly those outages. To send
/// ourselves we must own the descriptor, so the driver opens and binds the socket and hands
/// it to SwiftNIO for reading.
enum UDPSocket {
    /// What became of one datagram handed to ``send(_:to:on:)``.
    enum SendOutcome: Equatable {
        case sent
        /// The socket's send buffer is full: for game traffic a fresh datagram next tick beats
        /// a stale one queued behind it.
        case bufferFull
        /// The system refused it (no route, address gone, firewall…), with this `errno`.
        case refused(CInt)

        /// What a send that failed with `code` did to its datagrams.
        init(failure code: CInt) {
            switch code {
            case EAGAIN, EWOULDBLOCK, ENOBUFS: self = .bufferFull
            default: self = .refused(code)
            }
        }
    }

    /// Opens a non-blocking UDP socket bound to `address`.
    /// - Throws: SwiftNIO's `IOError` with the failing call's `errno` (`EADDRINUSE` when the
    ///   port is taken), so callers read bind failures as they did from SwiftNIO itself.
    static func open(boundTo address: SocketAddress, reusesAddress: Bool, allowsBroadcast: Bool) throws -> CInt {
        #if os(Linux)
        let type = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_DGRAM
        #endif
        let descriptor = socket(CInt(address.protocol.rawValue), type, CInt(IPPROTO_UDP))
        guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        do {
            #if !os(Linux)
            guard fcntl(descriptor, F_SETFD, FD_CLOEXEC) == 0 else { throw IOError(errnoCode: errno, reason: "fcntl") }
            #endif
            // SwiftNIO adopts the descriptor as it is: reads on a blocking socket would stall its loop.
            let flags = fcntl(descriptor, F_GETFL)
            guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
                throw IOError(errnoCode: errno, reason: "fcntl")
            }
            try setOption(SO_REUSEADDR, reusesAddress, on: descriptor)
            try setOption(SO_BROADCAST, allowsBroadcast, on: descriptor)
            requestReceiveBuffer(on: descriptor)
            if case .v6 = address {
                // Dual stack, as SwiftNIO sets it: "::" also reaches IPv4 peers, through
                // IPv4-mapped addresses. A system without IPv4 says so and stays IPv6-only.
                var off: CInt = 0
                let set = setsockopt(
                    descriptor, CInt(IPPROTO_IPV6), IPV6_V6ONLY, &off, socklen_t(MemoryLayout<CInt>.size))
                guard set == 0 || errno == EAFNOSUPPORT else { throw IOError(errnoCode: errno, reason: "setsockopt") }
            }
            let bound = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
            guard bound == 0 else { throw IOError(errnoCode: errno, reason: "bind") }
            return descriptor
        } catch {
            discard(descriptor)
            throw error
        }
    }

    /// Sets a `SOL_SOCKET` flag.
    private static func setOption(_ option: CInt, _ enabled: Bool, on descriptor: CInt) throws {
        var value: CInt = enabled ? 1 : 0
        guard setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            throw IOError(errnoCode: errno, reason: "setsockopt")
        }
    }

    /// Bytes of receive buffer each socket asks for: room for a burst of several thousand
    /// full datagrams while the reading thread is busy or descheduled.
    ///
    /// Linux's default (`net.core.rmem_default`, 208 KiB) holds about 90 full datagrams once
    /// the kernel's per-packet overhead is counted, and a bulk transfer on loopback overflowed
    /// it: 2–3 % of datagrams were dropped before Netplay read them, each one then resent.
    /// 1 MiB (2 granted) still dropped some 5 % of a loopback stream of small unreliable
    /// messages on a 2-core machine, whenever the receiving thread lost its core for a few
    /// milliseconds: each drop a whole receive-offload run of up to 50 datagrams, and the
    /// congestion window cut for it. With 4 MiB most such streams lost nothing, and 2 million
    /// messages took 0.57 s instead of 0.72 (medians of six, side by side). QUIC stacks ask
    /// for as much or more (quic-go for 7 MiB); ENet asks for 256 KiB. Linux caps the request
    /// at `net.core.rmem_max` and grants twice that for its bookkeeping: on a stock system
    /// (`rmem_max` 208 KiB) 416 KiB, twice the default. The kernel charges the memory only
    /// while datagrams wait. A sender's congestion window stops at the same 4 MiB
    /// (`CongestionController.maxWindowBytes`): more in flight than this buffer holds is
    /// what overflowed it.
    static let receiveBufferBytes: CInt = 4 << 20

    /// Asks for ``receiveBufferBytes`` of receive buffer. Best effort: a system that refuses
    /// (macOS does above `kern.ipc.maxsockbuf`) keeps its default.
    private static func requestReceiveBuffer(on descriptor: CInt) {
        var bytes = receiveBufferBytes
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, socklen_t(MemoryLayout<CInt>.size))
    }

    /// The receive buffer the system granted `descriptor` (on Linux, twice the bytes asked
    /// for, up to twice `net.core.rmem_max`), or nil if it cannot say.
    static func receiveBufferBytes(of descriptor: CInt) -> Int? {
        var bytes: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &bytes, &length) == 0 else { return nil }
        return Int(bytes)
    }

    /// Sends one datagram without blocking.
    static func send(_ bytes: [UInt8], to remote: SocketName, on descriptor: CInt) -> SendOutcome {
        let result = bytes.withUnsafeBytes { buffer in
            remote.withSockAddr { address, length in
                sendto(descriptor, buffer.baseAddress, buffer.count, 0, address, length)
            }
        }
        guard result < 0 else { return .sent }
        return SendOutcome(failure: errno)
    }

    /// Sends `count` datagrams that `datagram` gives by index, one `sendto` each, counting every
    /// call and outcome in `statistics`; datagrams to addresses the socket cannot reach are
    /// dropped and counted. (A batch of several on Linux goes through `DatagramBatchWriter`.)
    static func sendEach(
        count: Int, on descriptor: CInt, socketFamily: PeerAddress.Family,
        statistics: inout UDPDriver.Statistics, _ datagram: (Int) -> (PeerAddress, [UInt8])
    ) {
        for index in 0..<count {
            let (destination, bytes) = datagram(index)
            guard let remote = SocketName.of(destination, socketFamily: socketFamily, countingDropsIn: &statistics)
            else { continue }
            send(bytes, to: remote, on: descriptor, countingIn: &statistics)
        }
    }

    /// ``send(_:to:on:)``, the call and its outcome counted in `statistics`.
    static func send(
        _ bytes: [UInt8], to remote: SocketName, on descriptor: CInt, countingIn statistics: inout UDPDriver.Statistics
    ) {
        statistics.sendCalls += 1
        statistics.count(send(bytes, to: remote, on: descriptor), bytes: bytes.count)
    }

    /// Sends `batch` on a bound socket SwiftNIO has not adopted yet, counting the outcomes as
    /// the driver counts its own sends.
    static func sendBeforeAdoption(
        _ batch: [(PeerAddress, [UInt8])], on descriptor: CInt, socketFamily: PeerAddress.Family
    ) -> UDPDriver.Statistics {
        var sent = UDPDriver.Statistics()
        sendEach(count: batch.count, on: descriptor, socketFamily: socketFamily, statistics: &sent) { batch[$0] }
        return sent
    }

    /// Closes a socket that SwiftNIO has not adopted (a bind that failed half-way).
    static func discard(_ descriptor: CInt) {
        _ = close(descriptor)
    }
}
