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
