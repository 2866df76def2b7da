import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetplayBase

/// A UDP socket whose I/O runs on a SwiftNIO event loop: the real-network driver beneath the
/// sans-I/O protocol core.
///
/// Received datagrams are handed to a closure on the loop as `(PeerAddress, bytes)`; sends
/// are batched (``send(_:)`` hops to the loop once per batch, writes every datagram, then
/// flushes once). ``scheduleRepeating(every:_:)`` runs work at fixed periods (LAN
/// discovery's). The driver itself keeps its state on the loop; a caller whose state is also
/// touched from other threads guards it with its own lock. LAN discovery's sockets are
/// `UDPDriver`s; a session's socket is a ``ServicedUDPSocket`` on a network thread of
/// Netplay's own (since the twenty-sixth stop of the fast path).
///
/// ```swift
/// let driver = try await UDPDriver.bind(host: "0.0.0.0", port: 7777) { from, bytes in
///     endpoint.receive(bytes, from: from, now: clock.now)   // on the event loop
/// }
/// driver.send([(peer, packet)])
/// await driver.close()
/// ```
package final class UDPDriver: Sendable {
    /// Receives each datagram, on the driver's event loop; keep it short and non-blocking.
    package typealias DatagramHandler = @Sendable (PeerAddress, [UInt8]) -> Void
    /// Called on the event loop, with the current instant, once a read burst that delivered
    /// datagrams is over (SwiftNIO's `channelReadComplete`), and within a burst after every
    /// `Configuration.maxDatagramsPerRead` datagrams delivered, so a peer streaming at full
    /// speed hears back before the burst ends.
    package typealias ReadCompleteHandler = @Sendable (NetInstant) -> Void

    /// The address the socket is bound to (with the real port when 0 was asked for).
    package let localAddress: PeerAddress
    /// The bound port.
    package var port: UInt16 { localAddress.port }
    /// The loop all I/O, handler calls and repeating tasks run on.
    package let eventLoop: any EventLoop
    /// The clock whose instants the driver uses (for conditioning and repeating tasks).
    package let clock: MonotonicClock

    /// Internal, not private, for the multicast extension in its own file.
    package let channel: any Channel
    private let handler: NIOLoopBound<UDPDatagramHandler>
    /// Set when the driver made its own thread, which it must then shut down.
    private let ownedGroup: MultiThreadedEventLoopGroup?
    private let lifecycle = UDPDriverLifecycle()

    private init(
        channel: any Channel, handler: NIOLoopBound<UDPDatagramHandler>, localAddress: PeerAddress,
        clock: MonotonicClock, ownedGroup: MultiThreadedEventLoopGroup?
    ) {
        self.channel = channel
        self.handler = handler
        self.localAddress = localAddress
        self.eventLoop = channel.eventLoop
        self.clock = clock
        self.ownedGroup = ownedGroup
    }

    /// Opens a UDP socket bound to `host` and `port`.
    ///
    /// - Parameters:
    ///   - host: A numeric IPv4 or IPv6 address: `"127.0.0.1"`, `"::1"`, `"0.0.0.0"`, `"::"`.
    ///   - port: The port, or 0 for one the system picks (see ``port``).
    ///   - configuration: Size cap, broadcast and other socket settings.
    ///   - eventLoop: A loop to run on, or `nil` to start a dedicated I/O thread that
    ///     ``close()`` stops again.
    ///   - clock: Where `NetInstant`s are measured from.
    ///   - onDatagram: Called on the event loop for every accepted datagram.
    ///   - onReadComplete: Called on the event loop after each read burst that delivered
    ///     datagrams (and within long ones; see ``ReadCompleteHandler``), so replies and acks
    ///     can leave together, at once.
    ///   - onBound: Called on the event loop with the new driver before `bind` returns, so
    ///     a first datagram can leave without waiting for the caller's task to run again.
    ///   - sendingFirst: Called on the caller's thread as soon as the socket is bound; what it
    ///     returns is sent at once, before the hop to the loop and SwiftNIO's channel set-up.
    /// - Throws: SwiftNIO's `IOError` or `SocketAddressError` if the address is unusable or
    ///   the port is taken.
    package static func bind(
        host: String,
        port: Int = 0,
        configuration: Configuration = Configuration(),
        eventLoop: (any EventLoop)? = nil,
        clock: MonotonicClock = MonotonicClock(),
        onReadComplete: ReadCompleteHandler? = nil,
        onBound: (@Sendable (UDPDriver) -> Void)? = nil,
        sendingFirst firstDatagrams: (@Sendable () -> [(PeerAddress, [UInt8])])? = nil,
        onDatagram: @escaping DatagramHandler
    ) async throws -> UDPDriver {
        let ownedGroup = eventLoop == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        let loop = eventLoop ?? ownedGroup!.next()
        let maxDatagramBytes = min(max(configuration.maxDatagramBytes, 0), largestUDPPayloadBytes)
        do {
            // Numeric only (`SocketAddress(ipAddress:)`): `makeAddressResolvingHost` goes
            // through `getaddrinfo`, which on glibc dumps the interface list over netlink on
            // every call (`strace` showed one per connect).
            let address = try SocketAddress(ipAddress: host, port: port)
            let descriptor = try UDPSocket.open(
                boundTo: address, reusesAddress: configuration.reusesAddress,
                allowsBroadcast: configuration.allowsBroadcast)
            // A client's hello leaves here, not from the loop: the hop there and SwiftNIO's
            // channel set-up took 150–200 µs of a loopback connect, and the hello now crosses
            // the network meanwhile; its answer waits in the socket until the loop reads it.
            // The family the socket was opened with: the handler's too, for its addresses.
            let family: PeerAddress.Family = address.protocol == .inet6 ? .ipv6 : .ipv4
            let sentFirst = firstDatagrams.map {
                UDPSocket.sendBeforeAdoption($0(), on: descriptor, socketFamily: family)
            }
            // One hop to the loop for the handler, the channel's registration and `onBound`
            // together: the task waiting here resumes once, not once per step (each resumption
            // is a thread hand-off, tens of microseconds of a connect).
            let handedToLoop = NIOLockedValueBox(false)
            let registering = loop.flatSubmit {
                handedToLoop.withLockedValue { $0 = true }
                let handler = NIOLoopBound(
                    UDPDatagramHandler(
                        socket: descriptor, socketFamily: family, maxDatagramBytes: maxDatagramBytes,
                        datagramsPerAnswer: max(configuration.maxDatagramsPerRead, 1),
                        segmentsSends: configuration.segmentsSends,
                        mayOffloadReceive: Self.mayOffloadReceive(configuration),
                        drainsBursts: Self.drainsBursts(configuration),
                        clock: clock, onDatagram: onDatagram,
                        onReadComplete: onReadComplete, sentBeforeAdoption: sentFirst ?? Statistics()
                    ),
                    eventLoop: loop
                )
                // SwiftNIO reads the socket and closes it; the handler sends on it from now on
                // (see `UDPSocket`), as `sendingFirst` did before.
                return Self.bootstrap(on: loop, configuration: configuration, maxDatagramBytes: maxDatagramBytes)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(handler.value)
                        }
                    }
                    .withBoundSocket(descriptor)
                    .flatMapThrowing { channel in
                        guard let bound = channel.localAddress.flatMap(PeerAddress.init) else {
                            channel.close(promise: nil)
                            throw SocketAddressError.unsupported
                        }
                        let driver = UDPDriver(
                            channel: channel, handler: handler, localAddress: bound, clock: clock,
                            ownedGroup: ownedGroup)
                        onBound?(driver)
                        return driver
                    }
            }
            do {
                return try await registering.get()
            } catch {
                // A loop that refused the task never made the socket SwiftNIO's to close.
                if !handedToLoop.withLockedValue({ $0 }) { UDPSocket.discard(descriptor) }
                throw error
            }
        } catch {
            try? await ownedGroup?.shutdownGracefully()
            throw error
        }
    }

    /// SwiftNIO's bootstrap for a driver's channel, with its read sizes.
    private static func bootstrap(
        on loop: any EventLoop, configuration: Configuration, maxDatagramBytes: Int
    ) -> DatagramBootstrap {
        #if os(Linux)
        let vectorReads = max(configuration.datagramsPerSystemCall, 1)
        #else
        let vectorReads = 1
        #endif
        let perBurst = max(configuration.maxDatagramsPerRead, 1)
        // Draining, SwiftNIO reads a burst's first two datagrams and the handler the rest,
        // within the same budget.
        let swiftNIOReads =
            drainsBursts(configuration) ? min(perBurst, UDPDatagramHandler.swiftNIOReadsPerBurst) : perBurst
        let bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.maxMessagesPerRead, value: UInt(swiftNIOReads))
            // One byte over the cap per datagram, so an oversize datagram shows up as
            // oversize rather than silently truncated to an acceptable length. With vector
            // reads NIO slices one buffer into equal per-datagram parts. (Receive offload,
            // where the system has it, is turned on later by the handler, with a larger
            // buffer: see `UDPDatagramHandler.offloadReceiveIfBehind`.)
            .channelOption(
                .recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: (maxDatagramBytes + 1) * vectorReads))
        guard vectorReads > 1 else { return bootstrap }
        return bootstrap.channelOption(.datagramVectorReadMessageCount, value: vectorReads)
    }

    /// Whether a driver so configured reads the rest of each burst itself after SwiftNIO's
    /// first datagrams (see `UDPDatagramHandler.drainSocket`): with single reads only, since
    /// reading in the middle of SwiftNIO's vector would hand newer datagrams up before older.
    static func drainsBursts(_ configuration: Configuration) -> Bool {
        configuration.datagramsPerSystemCall <= 1
    }

    /// Whether a driver so configured may turn receive offload on: Linux with `UDP_GRO`, and
    /// single reads (vector reads slice one buffer into datagram-size parts, too small for a
    /// coalesced run).
    static func mayOffloadReceive(_ configuration: Configuration) -> Bool {
        #if os(Linux)
        configuration.datagramsPerSystemCall <= 1 && UDPSocket.offloadsReceive
        #else
        false
        #endif
    }

    /// Sends datagrams, in order, from any thread: one hop to the event loop for the whole
    /// batch, then one system call per datagram, or per run of them where the system segments
    /// (see `UDPDatagramHandler.write`). Datagrams to non-IP addresses (or IPv6 peers
    /// from an IPv4 socket) are dropped and counted; sends after ``close()`` are ignored.
    package func send(_ batch: [(PeerAddress, [UInt8])]) {
        guard !batch.isEmpty, channel.isActive else { return }
        if eventLoop.inEventLoop {
            handler.value.write(batch)
        } else {
            eventLoop.execute { [handler] in handler.value.write(batch) }
        }
    }

    /// Sends `count` datagrams, the `index`th given by `datagram(index)`: on the loop (a
    /// session's tick, its usual caller) straight from the caller's own list, with no batch
    /// built for it (one allocation per batch when the session built one to call ``send(_:)``).
    package func send(count: Int, _ datagram: (Int) -> (PeerAddress, [UInt8])) {
        guard count > 0, channel.isActive else { return }
        guard eventLoop.inEventLoop else { return send((0..<count).map(datagram)) }
        handler.value.write(count: count, datagram)
    }

    /// Sends one datagram; prefer ``send(_:)`` with a batch when sending several.
    package func send(_ bytes: [UInt8], to destination: PeerAddress) {
        send([(destination, bytes)])
    }

    /// Runs `body` on the event loop every `interval` (first after one interval) with the
    /// current instant, until the returned task is cancelled or the driver closes. The delay
    /// counts from the end of each run, so a slow run postpones the next instead of piling up.
    @discardableResult
    package func scheduleRepeating(every interval: Duration, _ body: @escaping @Sendable (NetInstant) -> Void)
        -> RepeatedTask
    {
        let delay = TimeAmount.nanoseconds(interval.nanosecondsClamped)
        return eventLoop.scheduleRepeatedTask(initialDelay: delay, delay: delay) { [channel, clock] task in
            guard channel.isActive else {
                task.cancel()
                return
            }
            body(clock.now)
        }
    }

    /// What the driver has done so far (after ``close()``, its final figures).
    package func statistics() async -> Statistics {
        await lifecycle.statistics { [eventLoop, handler] in eventLoop.submit { handler.value.statistics } }
    }

    /// Closes the socket and, if the driver started its own thread, stops it. Idempotent and
    /// safe to call concurrently: every caller returns once the driver is fully closed.
    package func close() async {
        await lifecycle.close { [eventLoop, handler, channel, ownedGroup] in
            let final = (try? await eventLoop.submit { handler.value.statistics }.get()) ?? Statistics()
            try? await channel.close()
            // Only a thread of the driver's own stops here; a loop it was given runs on.
            if let ownedGroup { try? await ownedGroup.shutdownGracefully() }
            return final
        }
    }
}

/// Serializes ``UDPDriver/close()`` with reads of its statistics, so nothing is submitted to
/// an event loop that is shutting down, and a second close waits for the first.
private actor UDPDriverLifecycle {
    private var closing: Task<UDPDriver.Statistics, Never>?

    func close(_ body: @escaping @Sendable () async -> UDPDriver.Statistics) async {
        if closing == nil { closing = Task { await body() } }
        _ = await closing?.value
    }

    func statistics(_ read: @Sendable () -> EventLoopFuture<UDPDriver.Statistics>) async -> UDPDriver.Statistics {
        if let closing { return await closing.value }
        // `read()` submits synchronously, before any suspension, so no close can have begun
        // shutting the loop down; NIO runs already-submitted tasks before its loop stops.
        let live = read()
        if let statistics = try? await live.get() { return statistics }
        return await closing?.value ?? UDPDriver.Statistics()
    }
}
