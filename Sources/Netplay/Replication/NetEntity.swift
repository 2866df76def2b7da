import NetplayReplication

/// Names one replicated entity; the same on the host and on every client.
public struct NetEntityID: Hashable, Sendable, CustomStringConvertible {
    let raw: EntityID

    public var description: String { "entity \(raw.value)" }
}

/// One replicated entity as a ``NetWorld`` shows it: on the host its authoritative state; on
/// a client, interpolated for now (or predicted, for the client's own entities).
public struct NetEntity<State: Sendable>: Sendable {
    /// The entity's id.
    public let id: NetEntityID
    /// Who controls it: the player whose inputs move it. On a client only the host (for
    /// entities nobody else controls) and this client itself are known; other players'
    /// entities have `nil`.
    public let owner: NetPeer?
    /// Whether this machine's player controls it.
    public let isMine: Bool
    /// Its state.
    public let state: State
}

/// What goes wrong with a ``NetWorld``.
public enum NetWorldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The session already has a world; make one per session.
    case alreadyReplicating
    /// Only the host spawns, changes and despawns entities; a client sends inputs.
    case onlyTheHostChangesEntities
    /// No entity with this id is alive.
    case unknownEntity(NetEntityID)
    /// The owner given to ``NetWorld/spawn(_:ownedBy:)`` is not a connected player.
    case unknownOwner(NetPeer)
    /// The state type cannot be replicated field by field; the text says why.
    case unsupportedState(String)

    public var description: String {
        switch self {
        case .alreadyReplicating:
            return "This session already has a NetWorld: make one per host or client."
        case .onlyTheHostChangesEntities:
            return "Only the host spawns, changes or despawns entities; a client sends its input instead."
        case .unknownEntity(let id):
            return "No \(id) is alive in this world."
        case .unknownOwner(let peer):
            return "\(peer) is not a connected player, so it cannot own an entity."
        case .unsupportedState(let reason):
            return "This state type cannot be replicated: \(reason). Use a struct with synthesized Codable."
        }
    }
}

/// One step of the host's simulation: what every player pressed for it.
public struct NetWorldTick<Input: Sendable>: Sendable {
    /// Each player's input for this step, the host's own under ``NetPeer/host``. A player
    /// whose input for this step has not arrived repeats its last one; one that never sent
    /// any is absent.
    public let inputs: [NetPeer: Input]
}
