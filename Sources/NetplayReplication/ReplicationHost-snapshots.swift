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
        guard var replica = clients[client] else { throw .unknownClient(client) }
        let baselineTick = replica.acknowledged.flatMap { replica.sent[$0] == nil ? nil : $0 }
        let baseline = baselineTick.flatMap { replica.sent[$0] } ?? [:]
        let sortedBaseline = baseline.sorted { $0.key < $1.key }

        var changes = SnapshotChanges()
        var candidates: [Candidate] = []
        for (id, old) in sortedBaseline {
            guard let entity = entities[id], isRelevant(id, entity, to: client) else {
                changes.despawns.insert(id)
                continue
            }
            let record = entity.record
            if record != old {
                candidates.append(
                    Candidate(
                        id: id, record: record, cost: SnapshotCodec.updateCost(record, against: old), isSpawn: false))
            }
        }
        for (id, entity) in entities where baseline[id] == nil && isRelevant(id, entity, to: client) {
            let record = entity.record
            candidates.append(
                Candidate(id: id, record: record, cost: SnapshotCodec.spawnCost(id, record), isSpawn: true))
        }

        var header = SnapshotHeader(tick: tick, baseline: baselineTick, echo: nil)
        if let stamp = replica.latestTimestamp {
            let held = max((now - stamp.receivedAt).nanosecondsClamped, 0) / Self.nanosecondsPerMillisecond
            header.echo = ClockEcho(
                clientMilliseconds: stamp.clientMilliseconds, holdMilliseconds: UInt32(clamping: held))
        }
        var mandatory = BitWriter()
        SnapshotCodec.writeHeader(header, to: &mandatory)
        var spent =
            mandatory.bitCount + Self.fixedBodyBits + sortedBaseline.count
            + changes.despawns.reduce(0) { $0 + (baseline[$1]?.fields.count ?? 0) }

        for index in candidates.indices {
            let id = candidates[index].id
            let entity = entities[id].map { ReplicatedEntity(id: id, kind: $0.kind, owner: $0.owner, state: $0.state) }
            let weight = entity.map { priority?(client, $0) ?? 1 } ?? 1
            replica.accumulated[id, default: 0] += max(weight, 0)
        }
        candidates.sort { (replica.accumulated[$0.id] ?? 0, $1.id) > (replica.accumulated[$1.id] ?? 0, $0.id) }
        let budget = configuration.snapshotBudgetBits
        for candidate in candidates where spent + candidate.cost <= budget {
            spent += candidate.cost
            replica.accumulated[candidate.id] = 0
            if candidate.isSpawn {
                changes.spawns[candidate.id] = candidate.record
            } else {
                changes.updates[candidate.id] = candidate.record
            }
        }

        var view = baseline
        for id in changes.despawns { view[id] = nil }
        for (id, record) in changes.updates { view[id] = record }
        for (id, record) in changes.spawns { view[id] = record }
        replica.sent[tick] = view
        let oldestKept = tick.advanced(by: -configuration.baselineHistory)
        replica.sent = replica.sent.filter { $0.key >= oldestKept }
        clients[client] = replica

        var writer = mandatory
        SnapshotCodec.writeBody(changes, baseline: sortedBaseline, to: &writer)
        return writer.finish()
    }

    private func isRelevant(_ id: EntityID, _ entity: HostEntity<State>, to client: ParticipantID) -> Bool {
        guard let relevance else { return true }
        return relevance(client, ReplicatedEntity(id: id, kind: entity.kind, owner: entity.owner, state: entity.state))
    }

    /// The "any changed" bit plus a spawn count that fits one varint byte.
    private static var fixedBodyBits: Int { 1 + 8 }
    private static var nanosecondsPerMillisecond: Int64 { 1_000_000 }
}

/// A change that competes for a snapshot's budget.
private struct Candidate {
    var id: EntityID
    var record: EntityRecord
    var cost: Int
    var isSpawn: Bool
}
