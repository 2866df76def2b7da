import NetplayBase
import NetplayDiscovery
import NetplayDrivers
import NetplayWire

extension NetClient {
    /// Connects to a game found by LAN discovery (`Discovery.first(game:timeout:protocolVersion:fingerprint:config:)`
    /// or a `LANBrowser`).
    public static func connect(
        to game: FoundGame,
        joinCode: String? = nil,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) async throws(NetError) -> NetClient {
        try await connect(
            to: game.address, game: game.advert.gameName, joinCode: joinCode, messages: messages, options: options)
    }

    /// Connects with a join string the host printed (`NP-…`): its address, port and join code.
    /// - Throws: ``NetError/invalidJoinString(_:)`` for a mistyped string, and whatever
    ///   `connect(to:game:joinCode:messages:options:)` throws.
    public static func connect(
        joinString: String,
        game: String,
        messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) async throws(NetError) -> NetClient {
        let join: JoinString
        do {
            join = try JoinString(parsing: joinString)
        } catch {
            throw .invalidJoinString(error)
        }
        return try await connect(
            to: join.address, game: game, joinCode: join.joinCode, messages: messages, options: options)
    }
}

extension NetHost {
    /// The join string for this host: this machine's LAN address (or 127.0.0.1 when it has
    /// none), the port, and the join code.
    public func joinString(joinCode: String?) -> JoinString {
        JoinString(
            address: PeerAddress(family: .ipv4, address: LocalAddresses.preferredIPv4(), port: port), joinCode: joinCode
        )
    }
}
