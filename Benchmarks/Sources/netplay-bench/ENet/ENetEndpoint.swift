import BenchmarkKit
import CENet

/// One `ENetHost` bound to 127.0.0.1, used from one thread at a time (ENet hosts are not
/// thread-safe; separate hosts on separate threads are).
final class ENetEndpoint: @unchecked Sendable {
    let host: UnsafeMutablePointer<ENetHost>

    /// Channel 0 carries reliable messages, channel 1 unreliable ones, so unreliable
    /// sequencing never waits behind reliable ordering.
    static let channelCount = 2
    static let reliableChannel: UInt8 = 0
    static let unreliableChannel: UInt8 = 1
    /// Loopback, as `enet_address_set_host_ip` wants it.
    static let loopback = "127.0.0.1"

    /// `enet_initialize` must run once per process before any host exists.
    private static let initialized: Bool = enet_initialize() == 0

    /// A host on 127.0.0.1:`port` (0: any free port) with room for `peers` connections.
    /// ENet allocates every peer slot here, up front.
    init(port: UInt16 = 0, peers: Int) throws {
        guard Self.initialized else { throw BenchmarkError.library("enet_initialize failed") }
        var address = ENetAddress()
        enet_address_set_host_ip(&address, Self.loopback)
        address.port = port
        guard let host = enet_host_create(&address, peers, Self.channelCount, 0, 0) else {
            throw BenchmarkError.library("enet_host_create failed")
        }
        self.host = host
    }

    deinit { enet_host_destroy(host) }

    /// The bound port (ENet reads it back from the socket when 0 was asked for).
    var port: UInt16 { host.pointee.address.port }

    /// Starts connecting to 127.0.0.1:`port`; the peer is usable after its CONNECT event.
    func connect(toPort port: UInt16) throws -> UnsafeMutablePointer<ENetPeer> {
        var address = ENetAddress()
        enet_address_set_host_ip(&address, Self.loopback)
        address.port = port
        guard let peer = enet_host_connect(host, &address, Self.channelCount, 0) else {
            throw BenchmarkError.library("enet_host_connect failed")
        }
        return peer
    }

    /// Queues `bytes` for `peer`, reliable on channel 0 or unreliable on channel 1.
    func send(_ bytes: UnsafeRawBufferPointer, to peer: UnsafeMutablePointer<ENetPeer>, reliable: Bool) throws {
        let flags = reliable ? ENET_PACKET_FLAG_RELIABLE.rawValue : 0
        guard let packet = enet_packet_create(bytes.baseAddress, bytes.count, flags) else {
            throw BenchmarkError.library("enet_packet_create failed")
        }
        // On failure ENet leaves the packet to us.
        if enet_peer_send(peer, reliable ? Self.reliableChannel : Self.unreliableChannel, packet) != 0 {
            enet_packet_destroy(packet)
            throw BenchmarkError.library("enet_peer_send failed")
        }
    }

    /// Sends everything queued now instead of at the next service.
    func flush() { enet_host_flush(host) }

    /// Services the host once, waiting at most `milliseconds` for an event; returns the event
    /// (with its packet still to destroy via ``release(_:)``), or nil.
    func service(milliseconds: UInt32) throws -> ENetEvent? {
        var event = ENetEvent()
        let result = enet_host_service(host, &event, milliseconds)
        guard result >= 0 else { throw BenchmarkError.library("enet_host_service failed") }
        return result > 0 ? event : nil
    }

    /// Frees a received packet.
    static func release(_ event: ENetEvent) {
        if event.type == ENET_EVENT_TYPE_RECEIVE, let packet = event.packet { enet_packet_destroy(packet) }
    }

    /// Services until `peer`'s CONNECT event, or throws at `deadline`.
    func waitForConnect(deadline: UInt64) throws {
        while Stopwatch.nanoseconds() < deadline {
            guard let event = try service(milliseconds: 1) else { continue }
            Self.release(event)
            if event.type == ENET_EVENT_TYPE_CONNECT { return }
        }
        throw BenchmarkError.timedOut("ENet connect")
    }
}

extension Workload {
    /// A deadline ``waitTimeoutSeconds`` from now.
    static func waitDeadline() -> UInt64 { Stopwatch.nanoseconds() + UInt64(waitTimeoutSeconds * 1e9) }
    /// A deadline ``runTimeoutSeconds`` from now.
    static func runDeadline() -> UInt64 { Stopwatch.nanoseconds() + UInt64(runTimeoutSeconds * 1e9) }
}
