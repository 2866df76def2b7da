import NIOConcurrencyHelpers

/// Makes a hosted game visible on the local network: answers discovery queries and
/// announces the game when it starts, when its player count changes and when it stops.
public final class LANAdvertiser: Sendable {
    private let driver: UDPDriver
    private let responder: NIOLockedValueBox<DiscoveryResponder>
    private let config: LANDiscoveryConfig

    private init(driver: UDPDriver, responder: NIOLockedValueBox<DiscoveryResponder>, config: LANDiscoveryConfig) {
        self.driver = driver
        self.responder = responder
        self.config = config
    }

    /// Starts advertising `advert` and announces it once.
    public static func start(advert: GameAdvert, config: LANDiscoveryConfig = .lan) async throws -> LANAdvertiser {
        let responder = NIOLockedValueBox(DiscoveryResponder(advert: advert))
        let driverBox = NIOLockedValueBox<UDPDriver?>(nil)
        let driver = try await LANSocket.bind(config: config) { source, bytes in
            guard let driver = driverBox.withLockedValue({ $0 }) else { return }
            let now = driver.clock.now
            if let reply = responder.withLockedValue({ $0.answer(bytes, from: source, now: now) }) {
                driver.send(reply, to: source)
            }
        }
        driverBox.withLockedValue { $0 = driver }
        let advertiser = LANAdvertiser(driver: driver, responder: responder, config: config)
        advertiser.broadcast(responder.withLockedValue { $0.announcement() })
        return advertiser
    }

    /// The discovery port this host answers on.
    public var port: UInt16 { driver.port }

    /// Changes the advertised player count (and announces the change).
    public func update(players: Int) {
        let announcement = responder.withLockedValue { responder -> [UInt8]? in
            guard responder.advert.players != players else { return nil }
            responder.advert.players = players
            return responder.announcement()
        }
        if let announcement { broadcast(announcement) }
    }

    /// Queries ignored so far, by reason.
    public var ignored: [DiscoveryResponder.IgnoredReason: Int] { responder.withLockedValue { $0.ignored } }

    /// Says goodbye (browsers drop the game at once) and closes the socket.
    public func stop() async {
        broadcast(responder.withLockedValue { $0.goodbye() })
        await driver.close()
    }

    private func broadcast(_ bytes: [UInt8]) {
        driver.send(config.destinations.map { ($0, bytes) })
    }
}

/// Binding shared by the advertiser and the browser.
enum LANSocket {
    static func bind(config: LANDiscoveryConfig, onDatagram: @escaping UDPDriver.DatagramHandler) async throws -> UDPDriver {
        let socketConfig = UDPDriver.Configuration(maxDatagramBytes: DiscoveryPacket.queryBytes, allowsBroadcast: true)
        for port in config.ports {
            guard let driver = try? await UDPDriver.bind(host: config.bindHost, port: Int(port), configuration: socketConfig,
                                                         onDatagram: onDatagram) else { continue }
            for group in config.multicastGroups {
                // A network without a multicast route still has broadcast: carry on without it.
                try? await driver.joinMulticastGroup(group)
            }
            return driver
        }
        throw DiscoveryError.noFreePort(config.ports)
    }
}
