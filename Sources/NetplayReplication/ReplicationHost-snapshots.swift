import NetplayBase
import NetplayWire

/// Building one client's snapshot: delta against its newest acknowledged view, within its
/// budget, most important changes first.
extension ReplicationHost {
    /// The snapshot datagram for `client` at the current tick.
    ///
    /// It is a delta against the newest snapshot the client acknowledged (Quake 3's scheme),
    /// so a lost snapshot needs no repair: the next one is built against an older, still
    /// acknowledged view. Despawns always go; updates and spawns go by accumulated priority
    /// until ``ReplicationConfiguration/bitsPerSecondPerClient`` for this tick is spent.
    /// Send it unreliably: a lost one costs nothing but itself.
    /// - Parameters:
    ///   - client: The client to build for, as added with ``addClient(_:)``.
    ///   - now: Time since the origin every call of this host uses (it lets the client
    ///     measure its round trip).
    /// - Returns: At most ``ReplicationConfiguration/maxSnapshotBytes`` bytes.
    /// - Throws: ``ReplicationError/unknownClient(_:)`` if `client` was never added.
    public mutating func makeSnapshot(for client: ParticipantID, now: Duration) throws(ReplicationError) -> [UInt8] {
        try makeSnapshot(for: client, now: NetInstant.zero + now)
    }

    /// ``makeSnapshot(for:now:)`` at a session's instant.
    package mutating func makeSnapshot(for client: ParticipantID, now: NetInstant) throws(ReplicationError) -> [UInt8] {
        guard let slot = clients.index(forKey: client) else { throw .unknownClient(client) }
        let table = table
        let states = states
        // The game's callbacks see entities by their index in the table; the snapshot itself
        // is built without `State`, in code that is not generic.
        let isRelevant = relevance.map { relevance in
            { (index: Int) in
                relevance(
                    client,
                    ReplicatedEntity(
                        id: table.ids[index], kind: table.records[index].kind, owner: table.records[index].owner,
                        state: states[index]))
            }
        }
        let weight = priority.map { priority in
            { (index: Int) in
                priority(
                    client,
                    ReplicatedEntity(
                        id: table.ids[index], kind: table.records[index].kind, owner: table.records[index].owner,
                        state: states[index]))
            }
        }
        // Swapped out and back, so that the client's history is changed in place (a copy
        // would copy its views on the first write).
        var history = SnapshotHistory()
        swap(&history, &clients.values[slot].history)
        defer { swap(&history, &clients.values[slot].history) }
        return history.makeSnapshot(
            of: table, tick: tick, now: now, configuration: configuration, isRelevant: isRelevant, weight: weight)
    }
}
