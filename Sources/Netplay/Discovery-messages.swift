import NetplayDiscovery
import NetplayDrivers
import NetplayWire

extension Discovery {
    /// The first `game` on the network that speaks these `messages` (the same list, in the same
    /// order, as the host's) and protocol version: what a game calls to join without an address.
    /// - Throws: `DiscoveryError`, saying whether nothing answered or only other builds did.
    public static func first(
        game: String, messages: [any NetMessage.Type], version: UInt32 = NetOptions().version,
        timeout: Duration = .seconds(1.5), config: LANDiscoveryConfig = .lan
    ) async throws -> FoundGame {
        try await first(
            game: game, timeout: timeout, protocolVersion: version,
            fingerprint: MessageRegistry(messages).fingerprint, config: config)
    }
}
