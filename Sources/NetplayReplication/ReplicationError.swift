import NetplayWire

/// Why replication refused a state, a snapshot or an input packet.
///
/// Every malformed or hostile datagram ends here (or in a counted drop), never in a trap.
public enum ReplicationError: Error, Hashable, Sendable {
    /// The bytes could not be read; the `WireError` says what and where.
    case malformed(WireError)
    /// The snapshot deltas against a tick this client no longer (or never) had; it is dropped
    /// and the next snapshot, built against a newer acknowledgement, repairs it.
    case unknownBaseline(Tick)
    /// The snapshot is no newer than one already applied (reordered or duplicated).
    case stale(Tick)
    /// The state type cannot be split into fields: its `Codable` conformance must use a keyed
    /// container (as synthesized conformances of structs do) or a single value.
    case unsupportedState(String)
    /// The entity id is not alive on the host.
    case unknownEntity(EntityID)
    /// The participant was not added with ``ReplicationHost/addClient(_:)``.
    case unknownClient(ParticipantID)
}

/// Counts of datagrams a replication endpoint refused, by reason (so a soak test or a
/// stats overlay can show them instead of a crash or silence).
public struct ReplicationDrops: Hashable, Sendable {
    /// Bytes that did not parse.
    public internal(set) var malformed = 0
    /// Snapshots whose baseline was unknown.
    public internal(set) var unknownBaseline = 0
    /// Snapshots older than one already applied.
    public internal(set) var stale = 0
    /// Input packets from a participant the host does not know.
    public internal(set) var unknownClient = 0

    /// Creates zeroed counters.
    public init() {}

    package mutating func count(_ error: ReplicationError) {
        switch error {
        case .malformed, .unsupportedState: malformed += 1
        case .unknownBaseline: unknownBaseline += 1
        case .stale: stale += 1
        case .unknownClient: unknownClient += 1
        case .unknownEntity: malformed += 1
        }
    }
}

extension ReplicationError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformed(let error): "The replication datagram could not be read: \(error)."
        case .unknownBaseline(let tick):
            "The snapshot is a delta against \(tick), which this client no longer holds; the next one repairs it."
        case .stale(let tick): "The snapshot for \(tick) is no newer than one already applied."
        case .unsupportedState(let reason): "This state type cannot be replicated: \(reason)."
        case .unknownEntity(let id): "No \(id) is alive on the host."
        case .unknownClient(let participant): "\(participant) was never added with addClient."
        }
    }
}
