import NIOCore
import NetplayBase
import NetplayLinkConditioner

/// The channel handler at the heart of a ``UDPDriver``: it owns every piece of mutable driver
/// state, and lives only on the channel's event loop, so none of it needs a lock.
///
/// Inbound it caps size, converts the address and hands `(PeerAddress, bytes)` up; outbound it
/// writes a whole batch and flushes once. Either direction can pass through a
/// ``LinkConditioner``, whose deliveries are scheduled on the loop.
package final class UDPDatagramHandler: ChannelInboundHandler {
    package typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let maxDatagramBytes: Int
    private let onDatagram: UDPDriver.DatagramHandler
    private let onReadComplete: UDPDriver.ReadCompleteHandler?
    /// A datagram reached `onDatagram` since the last `onReadComplete`.
    private var deliveredSinceReadComplete = false
    private let clock: MonotonicClock
    private var context: ChannelHandlerContext?
    /// The socket's family: an IPv6 socket reaches IPv4 peers through IPv4-mapped addresses;
    /// an IPv4 socket cannot reach IPv6 peers at all.
    private var socketFamily = PeerAddress.Family.ipv4
    package private(set) var statistics = UDPDriver.Statistics()
    private var outbound: LinkConditioner
    private var inbound: LinkConditioner
    private var outboundImpaired = false
    private var inboundImpaired = false
    /// Converting a `PeerAddress` allocates; a game talks to a handful of peers, so cache them.
    private var socketAddresses: [PeerAddress: SocketAddress] = [:]

    /// Bounds the cache against a flood of distinct destinations; past it, start over.
    private static let socketAddressCacheLimit = 1024

    package init(
        maxDatagramBytes: Int, conditionerSeed: UInt64, clock: MonotonicClock,
        onDatagram: @escaping UDPDriver.DatagramHandler, onReadComplete: UDPDriver.ReadCompleteHandler? = nil
    ) {
        self.maxDatagramBytes = maxDatagramBytes
        self.clock = clock
        self.onDatagram = onDatagram
        self.onReadComplete = onReadComplete
        // Distinct streams per direction, so inbound decisions do not mirror outbound ones.
        var seed = conditionerSeed
        outbound = LinkConditioner(seed: DeterministicRandom.splitMix64(&seed))
        inbound = LinkConditioner(seed: DeterministicRandom.splitMix64(&seed))
    }

    package func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    package func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    package func channelActive(context: ChannelHandlerContext) {
        if case .v6 = context.channel.localAddress { socketFamily = .ipv6 }
        context.fireChannelActive()
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let size = envelope.data.readableBytes
        statistics.datagramsReceived += 1
        statistics.bytesReceived += size
        guard size <= maxDatagramBytes else {
            statistics.droppedOversize += 1
            return
        }
        guard let source = PeerAddress(envelope.remoteAddress) else {
            statistics.droppedUnsupportedAddress += 1
            return
        }
        let bytes = Array(envelope.data.readableBytesView)
        guard inboundImpaired else {
            onDatagram(source, bytes)
            deliveredSinceReadComplete = true
            return
        }
        let now = clock.now
        for delivery in inbound.submit(bytes, now: now) {
            let delay = delivery.deliverAt - now
            guard delay > .zero else {
                onDatagram(source, delivery.bytes)
                deliveredSinceReadComplete = true
                continue
            }
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) {
                // A datagram still "on the wire" when the driver closed is never delivered.
                guard self.context != nil else { return }
                self.onDatagram(source, delivery.bytes)
                // A delayed datagram arrives alone: its burst is complete at once.
                self.onReadComplete?(self.clock.now)
            }
        }
        statistics.inboundConditioner = inbound.counters
    }

    /// The end of a read burst: lets the owner answer everything it just received in one
    /// batch (acks, replies) instead of waiting for its next timer.
    package func channelReadComplete(context: ChannelHandlerContext) {
        if deliveredSinceReadComplete, let onReadComplete {
            deliveredSinceReadComplete = false
            onReadComplete(clock.now)
        }
        context.fireChannelReadComplete()
    }

    package func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // UDP errors (ICMP unreachable, a refused write) concern one datagram, not the
        // socket: count them and keep serving every other peer.
        statistics.socketErrors += 1
    }

    /// Writes a batch and flushes once: one syscall pass per batch, not per datagram.
    package func write(_ batch: [(PeerAddress, [UInt8])]) {
        guard let context else { return }
        var pendingFlush = false
        let now = outboundImpaired ? clock.now : .zero
        for (destination, bytes) in batch {
            guard let remote = socketAddress(for: destination) else {
                statistics.droppedUnsupportedAddress += 1
                continue
            }
            guard outboundImpaired else {
                write(bytes, to: remote, context: context)
                pendingFlush = true
                continue
            }
            for delivery in outbound.submit(bytes, now: now) {
                let delay = delivery.deliverAt - now
                guard delay > .zero else {
                    write(delivery.bytes, to: remote, context: context)
                    pendingFlush = true
                    continue
                }
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) {
                    guard let context = self.context else { return }
                    self.write(delivery.bytes, to: remote, context: context)
                    context.flush()
                }
            }
        }
        if outboundImpaired { statistics.outboundConditioner = outbound.counters }
        if pendingFlush { context.flush() }
    }

    /// Sets or clears one direction's impairment. The conditioner itself is kept, so its
    /// random stream, bottleneck queue and counters carry on across changes.
    package func setImpairment(_ impairment: LinkImpairment?, for direction: UDPDriver.Direction) {
        switch direction {
        case .outbound:
            outboundImpaired = impairment != nil
            if let impairment { outbound.impairment = impairment }
        case .inbound:
            inboundImpaired = impairment != nil
            if let impairment { inbound.impairment = impairment }
        }
    }

    private func write(_ bytes: [UInt8], to remote: SocketAddress, context: ChannelHandlerContext) {
        // Past the send buffer's high-water mark NIO would queue without bound; for game
        // traffic a fresh datagram next tick beats a stale one delivered late, so drop.
        guard context.channel.isWritable else {
            statistics.droppedNotWritable += 1
            return
        }
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        context.write(NIOAny(AddressedEnvelope(remoteAddress: remote, data: buffer)), promise: nil)
        statistics.datagramsSent += 1
        statistics.bytesSent += bytes.count
    }

    private func socketAddress(for peer: PeerAddress) -> SocketAddress? {
        if let cached = socketAddresses[peer] { return cached }
        if socketFamily == .ipv4, peer.family == .ipv6 { return nil }
        guard let converted = SocketAddress(peer, mapsIPv4ToIPv6: socketFamily == .ipv6) else { return nil }
        if socketAddresses.count >= Self.socketAddressCacheLimit { socketAddresses.removeAll(keepingCapacity: true) }
        socketAddresses[peer] = converted
        return converted
    }
}
