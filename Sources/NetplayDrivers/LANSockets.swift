import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NetplayBase
import NetplayDiscovery

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The discovery sockets of one advertiser or browser: one per address family in use, each
/// on the first free port of the range (an IPv6 wildcard socket may share the machine with
/// an IPv4 one only on another port, which the range absorbs).
///
/// Sends go out on every interface that is up (``DiscoveryRoutes``); the multicast groups are
/// joined on each multicast interface, and the interface list is read again every
/// ``LANDiscoveryConfig/interfaceRescanInterval`` so interfaces that appear later are joined too.
package struct LANSockets: Sendable {
    package typealias Handler = @Sendable (UDPDriver, PeerAddress, [UInt8]) -> Void
    let sockets: [LANSocket]
    var drivers: [UDPDriver] { sockets.map(\.driver) }

    package static func bind(config: LANDiscoveryConfig, clock: MonotonicClock, onDatagram: @escaping Handler)
        async throws -> LANSockets
    {
        var sockets: [LANSocket] = []
        for family in [PeerAddress.Family.ipv4, .ipv6] where config.uses(family) {
            do {
                let driver = try await bindOne(family: family, config: config, clock: clock, onDatagram: onDatagram)
                sockets.append(LANSocket(driver: driver, family: family))
            } catch  where !sockets.isEmpty || family == .ipv4 && config.uses(.ipv6) {
                // A machine without IPv6 (or IPv4) still discovers over the other family.
                continue
            }
        }
        guard !sockets.isEmpty else { throw DiscoveryError.noFreePort(config.ports) }
        let interfaces = LocalAddresses.interfaces()
        for socket in sockets {
            try await socket.driver.eventLoop.submit { socket.joinGroups(config: config, interfaces: interfaces) }.get()
            socket.driver.scheduleRepeating(every: config.interfaceRescanInterval) { _ in
                socket.joinGroups(config: config, interfaces: LocalAddresses.interfaces())
            }
        }
        return LANSockets(sockets: sockets)
    }

    private static func bindOne(
        family: PeerAddress.Family, config: LANDiscoveryConfig, clock: MonotonicClock,
        onDatagram: @escaping Handler
    ) async throws -> UDPDriver {
        let socketConfig = UDPDriver.Configuration(
            maxDatagramBytes: DiscoveryPacket.queryBytes, allowsBroadcast: family == .ipv4)
        for port in config.ports {
            let box = NIOLockedValueBox<UDPDriver?>(nil)
            guard
                let driver = try? await UDPDriver.bind(
                    host: config.bindHost(for: family), port: Int(port), configuration: socketConfig,
                    clock: clock,
                    onDatagram: { source, bytes in
                        if let driver = box.withLockedValue({ $0 }) { onDatagram(driver, source, bytes) }
                    })
            else { continue }
            box.withLockedValue { $0 = driver }
            return driver
        }
        throw DiscoveryError.noFreePort(config.ports)
    }

    /// Sends `bytes` on every route of every socket's family, over the interfaces up now.
    package func send(_ bytes: [UInt8], config: LANDiscoveryConfig) {
        let interfaces = LocalAddresses.interfaces()
        // A closed socket's loop may be shut down (a player count changing while its host
        // closes, after the advert was stopped): nothing is sent then.
        for socket in sockets where socket.driver.channel.isActive {
            let routes = config.routes(socket.family, interfaces: interfaces)
            socket.driver.eventLoop.execute { socket.send(bytes, routes: routes, config: config) }
        }
    }

    package func close() async {
        for socket in sockets { await socket.driver.close() }
    }
}

/// One discovery socket and the multicast memberships it holds.
struct LANSocket: Sendable {
    let driver: UDPDriver
    let family: PeerAddress.Family
    /// Touched only on the driver's event loop; the lock just makes that checkable.
    private let joined = NIOLockedValueBox<Set<DiscoveryRoutes.Membership>>([])

    init(driver: UDPDriver, family: PeerAddress.Family) {
        self.driver = driver
        self.family = family
    }

    /// Sends `bytes` along `routes`, on the event loop. For IPv4 multicast the socket's
    /// outgoing interface is set before each interface's batch: `UDPDriver.send` on the loop
    /// writes and flushes at once, so each batch leaves with the interface set for it.
    func send(_ bytes: [UInt8], routes: [DiscoveryRoutes.Route], config: LANDiscoveryConfig) {
        driver.eventLoop.preconditionInEventLoop()
        let options = driver.channel as? any SocketOptionProvider
        for route in routes {
            if let interface = route.multicastInterface {
                guard let options, let address = Self.inAddress(interface) else { continue }
                // On the loop this sets the option synchronously; a refusal (the interface
                // vanished) skips this interface only.
                var failed = false
                options.setIPMulticastIF(address).assumeIsolated().whenFailure { _ in failed = true }
                if failed { continue }
            }
            driver.send(config.destinations(route).map { ($0, bytes) })
        }
    }

    /// Joins the discovery groups on every multicast interface not yet joined, and forgets
    /// memberships of interfaces that went away (the system dropped them with the interface).
    func joinGroups(config: LANDiscoveryConfig, interfaces: [InterfaceAddress]) {
        driver.eventLoop.preconditionInEventLoop()
        let wanted = Set(DiscoveryRoutes.memberships(family: family, paths: config.paths, interfaces: interfaces))
        let missing = joined.withLockedValue { joined in
            joined.formIntersection(wanted)
            return wanted.subtracting(joined)
        }
        guard !missing.isEmpty, let channel = driver.channel as? any MulticastChannel else { return }
        let devices = (try? System.enumerateDevices()) ?? []
        for membership in missing {
            guard let group = SocketAddress(membership.group, mapsIPv4ToIPv6: false),
                let device = Self.device(for: membership, in: devices)
            else { continue }
            // On the loop this joins synchronously. A refusal (no multicast on this link)
            // leaves broadcast and the other interfaces working; the next rescan tries again.
            channel.joinGroup(group, device: device).whenSuccess { _ in
                joined.withLockedValue { _ = $0.insert(membership) }
            }
        }
    }

    /// NIO names an IPv4 membership's interface by its address and an IPv6 one by its index.
    private static func device(for membership: DiscoveryRoutes.Membership, in devices: [NIONetworkDevice])
        -> NIONetworkDevice?
    {
        devices.first { device in
            guard device.interfaceIndex == Int(membership.interfaceIndex), let address = device.address else {
                return false
            }
            switch (address, membership.interfaceAddress) {
            case (.v4, let wanted?): return PeerAddress(address) == wanted
            case (.v6, nil): return true
            default: return false
            }
        }
    }

    private static func inAddress(_ address: PeerAddress) -> in_addr? {
        let bytes = Array(address.addressBytes)
        guard address.family == .ipv4, bytes.count == 4 else { return nil }
        var result = in_addr()
        withUnsafeMutableBytes(of: &result) { $0.copyBytes(from: bytes) }
        return result
    }
}
