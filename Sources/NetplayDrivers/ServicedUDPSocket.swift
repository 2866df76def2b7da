import NIOConcurrencyHelpers
import NIOCore
import NetplayBase
import Synchronization

#if canImport(Glibc)
import CNetplaySockets
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP socket with no thread of its own: the thread that services it waits on it, reads it
/// and sends on it (as ENet's `enet_host_service` does). The driver beneath every session: in
/// `NetServicing.gameThread` mode the game's thread services it, in `networkThread` mode a
/// network thread of Netplay's own (a host's, or the one clients share).
///
/// Reads and waits belong to one thread at a time (the one servicing the session); sends may
/// come from any thread, and only touch the descriptor and the lock-guarded writer.
package final class ServicedUDPSocket: Sendable {
    /// The address the socket is bound to (with the real port when 0 was asked for).
    package let localAddress: PeerAddress
    private let descriptor: CInt
    private let maxDatagramBytes: Int
    /// The socket's family, which says how a destination is named (see ``SocketName``).
    private let socketFamily: PeerAddress.Family
    /// `close` must not race a send on a reused descriptor number, and the writer's buffers
    /// serve one send at a time: both live under this lock.
    private let state: Mutex<State>

    private struct State: ~Copyable {
        var open = true
        var statistics = UDPDriver.Statistics()
        /// What `readAvailable` reads into, and the datagram it hands on, kept for their room:
        /// new ones at every call, and a copy for every datagram, were allocations per read.
        var reader: DatagramBatchReader?
        var datagram: [UInt8] = []
        /// Receive offload is on (see `offloadReceiveIfBehind`), and the reader coalescing.
        var coalesces = false
        /// Reads with offload on that found nothing coalesced, in a row.
        var plainReadsInARow = 0
        /// Sends a batch in as few system calls as the system allows.
        var writer: DatagramBatchWriter
    }

    private init(descriptor: CInt, localAddress: PeerAddress, maxDatagramBytes: Int, segmentsSends: Bool) {
        self.descriptor = descriptor
        self.localAddress = localAddress
        self.maxDatagramBytes = maxDatagramBytes
        socketFamily = localAddress.family == .ipv6 ? .ipv6 : .ipv4
        state = Mutex(State(writer: DatagramBatchWriter(segments: segmentsSends && UDPSocket.segmentsSends)))
    }

    /// Opens a non-blocking UDP socket bound to `host` (a numeric address) and `port`.
    /// - Throws: SwiftNIO's `IOError` (`EADDRINUSE` when the port is taken) or
    ///   `SocketAddressError` for an unusable address, as ``UDPDriver/bind(host:port:configuration:eventLoop:clock:onReadComplete:onBound:onDatagram:)`` does.
    package static func open(
        host: String, port: Int, configuration: UDPDriver.Configuration = UDPDriver.Configuration()
    ) throws -> ServicedUDPSocket {
        let address = try SocketAddress(ipAddress: host, port: port)  // numeric: no getaddrinfo
        let descriptor = try UDPSocket.open(
            boundTo: address, reusesAddress: configuration.reusesAddress,
            allowsBroadcast: configuration.allowsBroadcast)
        guard let bound = try? localAddress(of: descriptor) else {
            UDPSocket.discard(descriptor)
            throw SocketAddressError.unsupported
        }
        let cap = min(max(configuration.maxDatagramBytes, 0), UDPDriver.largestUDPPayloadBytes)
        return ServicedUDPSocket(
            descriptor: descriptor, localAddress: bound, maxDatagramBytes: cap,
            segmentsSends: configuration.segmentsSends)
    }

    /// Waits until one of `sockets` can be read, `timeout` passes or `wake` is signalled, for
    /// a thread that services several; `readable[index]` then says which (the array is
    /// reused: it allocates only when the sockets outnumber it). An interrupted wait counts as a
    /// timeout. The sockets must stay open during the wait: their owner closes them only
    /// once the waiting thread has let them go. A socket whose `leftOut` entry is true is
    /// not waited for (`ppoll(2)` skips a negative descriptor): a datagram there wakes nobody,
    /// and is read by whatever pass comes next. The wait spins first as `spinning` decides,
    /// unless a socket is left out: the caller then sleeps on purpose, to read less often.
    package static func waitUntilAnyReadable(
        _ sockets: [ServicedUDPSocket], timeout: Duration, waking wake: WakeSignal, entries: inout [pollfd],
        readable: inout [Bool], leavingOut leftOut: [Bool] = [], spinning: inout SpinBeforeSleeping
    ) {
        entries.removeAll(keepingCapacity: true)
        entries.append(pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0))
        for index in sockets.indices {
            let skipped = index < leftOut.count && leftOut[index]
            entries.append(pollfd(fd: skipped ? -1 : sockets[index].descriptor, events: Int16(POLLIN), revents: 0))
        }
        let sleepsOnPurpose = leftOut.contains(true)
        let ready = entries.withUnsafeMutableBufferPointer { buffer in
            let (start, count) = (buffer.baseAddress!, buffer.count)
            func look(_ nanoseconds: Int64) -> Bool { Self.poll(start, count: count, nanoseconds: nanoseconds) > 0 }
            return sleepsOnPurpose ? look(max(timeout.nanosecondsClamped, 0)) : spinning.wait(upTo: timeout, look)
        }
        readable.removeAll(keepingCapacity: true)
        for index in sockets.indices { readable.append(ready && entries[index + 1].revents != 0) }
        if ready, entries[0].revents != 0 { wake.drain() }
    }

    /// Waits until a datagram can be read or `timeout` passes (zero: does not wait). Returns
    /// whether one can be read. An interrupted wait counts as a timeout; the caller loops.
    package func waitUntilReadable(timeout: Duration) -> Bool {
        var neverSpins = SpinBeforeSleeping(limit: .zero)
        return waitUntilReadable(timeout: timeout, spinning: &neverSpins)
    }

    /// ``waitUntilReadable(timeout:)``, spinning first as `spinning` decides.
    package func waitUntilReadable(timeout: Duration, spinning: inout SpinBeforeSleeping) -> Bool {
        guard isOpen else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = spinning.wait(upTo: timeout) { nanoseconds in
            Self.poll(&entry, count: 1, nanoseconds: nanoseconds) > 0
        }
        return ready && entry.revents & Int16(POLLIN) != 0
    }

    /// `ppoll(2)` for up to `nanoseconds` (zero: a look that does not wait); elsewhere
    /// `poll(2)`, whose whole milliseconds are rounded up so a short wait never spins at zero.
    /// Returns how many entries are ready (0 at the timeout or when interrupted).
    private static func poll(_ entries: UnsafeMutablePointer<pollfd>, count: Int, nanoseconds: Int64) -> CInt {
        #if os(Linux)
        // To the nanosecond: poll(2)'s whole milliseconds slept up to one more than a
        // deadline a fraction of a millisecond away.
        return CNetplay_ppoll(entries, UInt(count), nanoseconds)
        #else
        return Darwin.poll(entries, nfds_t(count), CInt(clamping: (nanoseconds + 999_999) / 1_000_000))
        #endif
    }

    /// Reads the datagrams waiting on the socket, handing each to `body`, until the socket is
    /// empty or `limit` have been read (a coalesced read of receive offload may take it over
    /// by one run). Returns how many were read, delivered or dropped: at least `limit` when
    /// more may be waiting. Oversize datagrams and unsupported sources are dropped and
    /// counted. On Linux up to 4 datagrams come in one system call, and a call
    /// that finds fewer than it asked for ends the read (the socket is empty), so a read
    /// that drains a few datagrams makes one call, not one each and one more. Each call is
    /// counted in the statistics' `receiveCalls`.
    @discardableResult
    package func readAvailable(limit: Int, _ body: (PeerAddress, [UInt8]) -> Void) -> Int {
        var delivered = 0
        // Lent out of the state while reading (one reader at a time; a second one would find
        // none and make its own).
        var (reader, datagram, coalesces) = state.withLock { state in
            let reader =
                state.reader.take()
                ?? DatagramBatchReader(maxDatagramBytes: maxDatagramBytes, coalescing: state.coalesces)
            return (reader, state.datagram.lend(), state.coalesces)
        }
        defer {
            state.withLock { state in
                state.reader = reader
                swap(&state.datagram, &datagram)
            }
        }
        var run = RunOfOneSender()
        var coalescedThisCall = 0
        var attempts = 0
        while attempts < limit {
            let asked = min(limit - attempts, reader.capacity)
            // One lock a call, held across the non-blocking read (as `send` holds it across
            // its writes): `close` cannot slip between the check that the socket is open and
            // the read, so a closed descriptor, or its number reused by another socket, is
            // never read; the datagrams' counts are kept under the same lock.
            let outcome = state.withLock { state -> ReadOutcome in
                guard state.open else { return .closed }
                let read = reader.read(on: descriptor, limit: asked)
                state.statistics.receiveCalls += 1
                guard read > 0 else {
                    // EAGAIN: nothing more to read. Anything else (an ICMP error reported on
                    // a read) concerns one datagram, not the socket: count it and go on.
                    if read == 0 || errno == EAGAIN || errno == EWOULDBLOCK { return .empty }
                    state.statistics.socketErrors += 1
                    return .dropped
                }
                var datagrams = 0
                for slot in 0..<read {
                    let size = reader.length(of: slot)
                    let (segments, segmentBytes) = Self.segments(of: slot, in: reader, length: size)
                    datagrams += segments
                    if segments > 1 { state.statistics.coalescedReads += 1 }
                    state.statistics.datagramsReceived += segments
                    state.statistics.bytesReceived += size
                    let oversize = Self.oversizeCount(segments, of: segmentBytes, in: size, cap: maxDatagramBytes)
                    state.statistics.droppedOversize += oversize
                    if oversize < segments, !Self.isIP(reader.source(of: slot)) {
                        state.statistics.droppedUnsupportedAddress += segments - oversize
                    }
                }
                return .datagrams(read, datagrams)
            }
            guard case .datagrams(let read, let datagrams) = outcome else {
                if case .dropped = outcome {
                    attempts += 1
                    continue
                }
                break
            }
            attempts += datagrams
            if datagrams > read { coalescedThisCall += 1 }
            for slot in 0..<read {
                // Dropped and counted under the lock above: oversize, or not from an IP address
                // (which `PeerAddress(_: sockaddr_storage)` turns into nil).
                let size = reader.length(of: slot)
                let (_, segmentBytes) = Self.segments(of: slot, in: reader, length: size)
                guard let source = reader.sourceAddress(of: slot) else { continue }
                let all = reader.bytes(of: slot, length: size)
                for start in stride(from: 0, to: size, by: segmentBytes) {
                    // Oversize: counted above, one by one (the last of a run may fit).
                    guard min(segmentBytes, size - start) <= maxDatagramBytes else { continue }
                    // Copied over the kept datagram (a receiver that kept the last one leaves
                    // it shared: replacing it makes a new one, never a change under its feet),
                    // in one call: emptied, then appended to, it cost some 50 instructions more.
                    datagram.replaceSubrange(
                        datagram.indices,
                        with: UnsafeBufferPointer(rebasing: all[start..<min(start + segmentBytes, size)]))
                    body(source, datagram)
                    delivered += 1
                }
                if !coalesces { run.note(source, bytes: size) }
            }
            // Fewer than asked: the socket was empty when the call returned (or an error
            // stopped it, which the next call would report): what comes next waits for the
            // next read, as it would have after the last one.
            if read < asked { break }
        }
        if !coalesces, run.longest >= Self.runThatOffloads { offloadReceiveIfBehind(&reader) }
        if coalesces { noteCoalescing(coalescedThisCall > 0, &reader) }
        return attempts
    }

    /// How many datagrams `slot` holds, and their size: several when a coalesced read put a
    /// run there (each `segmentSize` long but the last, which may be shorter), else one of the
    /// read's length.
    private static func segments(
        of slot: Int, in reader: DatagramBatchReader, length: Int
    ) -> (count: Int, bytes: Int) {
        guard let segment = reader.segmentSize(of: slot), length > segment else { return (1, length) }
        return ((length + segment - 1) / segment, segment)
    }

    /// How many of a slot's `count` datagrams of `bytes` each (the last one the rest of `size`)
    /// are over `cap`: all or none of the equal ones, and the last on its own.
    private static func oversizeCount(_ count: Int, of bytes: Int, in size: Int, cap: Int) -> Int {
        let last = size - (count - 1) * bytes
        return (bytes > cap ? count - 1 : 0) + (last > cap ? 1 : 0)
    }

    /// Reads in a row that find no run to coalesce, after which receive offload goes off again
    /// (see `noteCoalescing`).
    static let plainReadsThatEndOffload = 64

    /// Turns receive offload off again after ``plainReadsThatEndOffload`` reads in a row took
    /// one datagram each: the stream that turned it on is over (or was a stranger's burst), and
    /// the coalescing reader's single slot would cost a system call per datagram where the
    /// plain reader takes 4.
    private func noteCoalescing(_ coalesced: Bool, _ reader: inout DatagramBatchReader) {
        let turnedOff = state.withLock { state -> Bool in
            guard state.coalesces else { return false }
            state.plainReadsInARow = coalesced ? 0 : state.plainReadsInARow + 1
            guard state.plainReadsInARow >= Self.plainReadsThatEndOffload, state.open else { return false }
            state.plainReadsInARow = 0
            state.coalesces = false
            state.statistics.offloadsReceive = false
            UDPSocket.endReceiveOffload(on: descriptor)
            return true
        }
        if turnedOff { reader = DatagramBatchReader(maxDatagramBytes: maxDatagramBytes) }
    }

    /// One sender's datagrams of one size in a row, in one read, that turn receive offload
    /// on: a stream arriving faster than a read each keeps up with (a game's clients send one
    /// datagram a frame each, from as many senders).
    static let runThatOffloads = 16

    /// Turns receive offload on (Linux's `UDP_GRO`) after a read that found a run of one
    /// sender's datagrams of one size: from then on the kernel may hand over such a run in
    /// one read with their size, and `readAvailable` splits it. A bulk transfer's 1,200-byte
    /// fragments then cross from the kernel about fifty at a time, and on loopback a
    /// segmented send (`UDP_SEGMENT`) stays one packet all the way. Not from the start: a
    /// coalesced read needs a 64 KiB buffer, which a game's one datagram at a time would
    /// keep resident for nothing. The reader is replaced by a coalescing one.
    private func offloadReceiveIfBehind(_ reader: inout DatagramBatchReader) {
        let turnedOn = state.withLock { state -> Bool in
            guard state.open, !state.coalesces, UDPSocket.offloadReceive(on: descriptor) else { return false }
            state.coalesces = true
            state.statistics.offloadsReceive = true
            return true
        }
        if turnedOn { reader = DatagramBatchReader(maxDatagramBytes: maxDatagramBytes, coalescing: true) }
    }

    private static func isIP(_ storage: sockaddr_storage) -> Bool {
        let family = CInt(storage.ss_family)
        return family == AF_INET || family == AF_INET6
    }

    /// Sends datagrams, in order, without blocking; from any thread. A batch crosses into the
    /// kernel in as few calls as the system allows (``DatagramBatchWriter``). Datagrams to
    /// addresses the socket cannot reach are dropped and counted; sends after ``close()`` are
    /// ignored.
    package func send(_ batch: [(PeerAddress, [UInt8])]) {
        send(count: batch.count) { batch[$0] }
    }

    /// ``send(_:)`` for `count` datagrams that `datagram` gives by index: a caller with its
    /// own list of datagrams sends it without building a list of pairs (an allocation per
    /// batch).
    package func send(count: Int, _ datagram: (Int) -> (PeerAddress, [UInt8])) {
        state.withLock { state in
            guard state.open else { return }
            state.writer.write(
                count: count, on: descriptor, socketFamily: socketFamily, statistics: &state.statistics, datagram)
        }
    }

    /// The receive buffer the system granted the socket (see ``UDPSocket/receiveBufferBytes``).
    package var receiveBufferBytes: Int? { UDPSocket.receiveBufferBytes(of: descriptor) }

    /// What the socket has done so far.
    package var statistics: UDPDriver.Statistics { state.withLock { $0.statistics } }

    private var isOpen: Bool { state.withLock { $0.open } }

    /// Closes the socket; idempotent. A thread waiting in ``waitUntilReadable(timeout:)``
    /// returns at its timeout at the latest.
    package func close() {
        state.withLock { state in
            guard state.open else { return }
            state.open = false
            UDPSocket.discard(descriptor)
        }
    }

    /// What one read under the lock found.
    private enum ReadOutcome {
        case closed, empty, dropped
        /// How many reads the call filled, and the datagrams in them.
        case datagrams(Int, Int)
    }

    private static func localAddress(of descriptor: CInt) throws -> PeerAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0 else { throw IOError(errnoCode: errno, reason: "getsockname") }
        return PeerAddress(storage)
    }
}
