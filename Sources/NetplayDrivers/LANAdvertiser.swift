import NIOConcurrencyHelpers
import NetplayBase
import NetplayDiscovery

/// Makes a hosted game visible on the local network: answers discovery queries and
/// announces the game when it starts, when its player count changes and when it stops.
package final class LANAdvertiser: Sendable {
    private let sockets: LANSockets
    private let responder: NIOLockedValueBox<DiscoveryResponder>
    private let config: LANDiscoveryConfig

    private init(sockets: LANSockets, responder: NIOLockedValueBox<DiscoveryResponder>, config: LANDiscoveryConfig) {
        self.sockets = sockets
        self.responder = responder
        self.config = config
    }

    /// Starts advertising `advert` and announces it once.
    package static func start(advert: GameAdvert, config: LANDiscoveryConfig = .lan) async throws -> LANAdvertiser {
        let responder = NIOLockedValueBox(DiscoveryResponder(advert: advert))
        let clock = MonotonicClock()
        let sockets = try await LANSockets.bind(config: config, clock: clock) { socket, source, bytes in
            if let reply = responder.withLockedValue({ $0.answer(bytes, from: source, now: clock.now) }) {
                socket.send(reply, to: source)
            }
        }
        let advertiser = LANAdvertiser(sockets: sockets, responder: responder, config: config)
        advertiser.broadcast(responder.withLockedValue { $0.announcement() })
        return advertiser
    }

    /// The discovery port this host answers on (IPv4, or IPv6 when it has only that).
    package var port: UInt16 { sockets.drivers.first?.port ?? 0 }

    /// Changes the advertised player count (and announces the change).
    package func update(players: Int) {
        let announcement = responder.withLockedValue { responder -> [UInt8]? in
            guard responder.advert.players != players else { return nil }
            responder.advert.players = players
            return responder.announcement()
        }
        if let announcement { broadcast(announcement) }
    }

    /// Queries ignored so far, by reason.
    package var ignored: [DiscoveryResponder.IgnoredReason: Int] { responder.withLockedValue { $0.ignored } }

    /// Says goodbye (browsers drop the game at once) and closes the socket.
    package func stop() async {
        broadcast(responder.withLockedValue { $0.goodbye() })
        await sockets.close()
    }

    private func broadcast(_ bytes: [UInt8]) {
        sockets.send(bytes, config: config)
    }
}

/// The discovery sockets of one advertiser or browser: one per address family in use, each
/// on the first free port of the range (an IPv6 wildcard socket may share the machine with
/// an IPv4 one only on another port, which the range absorbs).
package struct LANSockets: Sendable {
    package typealias Handler = @Sendable (UDPDriver, PeerAddress, [UInt8]) -> Void
    let drivers: [UDPDriver]

    package static func bind(config: LANDiscoveryConfig, clock: MonotonicClock, onDatagram: @escaping Handler)
        async throws -> LANSockets
    {
        var drivers: [UDPDriver] = []
        for family in [PeerAddress.Family.ipv4, .ipv6] where config.uses(family) {
            do {
                drivers.append(try await bindOne(family: family, config: config, clock: clock, onDatagram: onDatagram))
            } catch  where !drivers.isEmpty || family == .ipv4 && config.uses(.ipv6) {
                // A machine without IPv6 (or IPv4) still discovers over the other family.
                continue
            }
        }
        guard !drivers.isEmpty else { throw DiscoveryError.noFreePort(config.ports) }
        return LANSockets(drivers: drivers)
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
            for group in config.multicastGroups where group.family == family {
                // A network without a multicast route still has broadcast: carry on without it.
                try? await driver.joinMulticastGroup(group)
            }
            return driver
        }
        throw DiscoveryError.noFreePort(config.ports)
    }

    /// Sends `bytes` to every destination, each through the socket of its family.
    package func send(_ bytes: [UInt8], config: LANDiscoveryConfig) {
        for driver in drivers {
            guard let family = driver.localAddress.family else { continue }
            driver.send(config.destinations(family).map { ($0, bytes) })
        }
    }

    package func close() async {
        for driver in drivers { await driver.close() }
    }
}
