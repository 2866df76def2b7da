import NetplayWire

/// What a client holds for one snapshot: each entity's record (the next baseline) and its
/// decoded state, both sorted by entity id.
package struct ClientView<State: Sendable>: Sendable {
    /// The entities, by ascending id.
    package var entities: [ViewedEntity] = []
    /// `states[i]` is the state of `entities[i]`.
    package var states: [State] = []

    /// An empty view (what a full snapshot is applied to).
    package init() {}

    /// Where `id` is in ``entities``, if it is there.
    package func index(of id: EntityID) -> Int? {
        EntityID.index(of: id, in: entities)
    }
}

extension SnapshotCodec {
    /// Applies a snapshot body to `baseline` (the client's view at the baseline tick, or
    /// empty for a full snapshot), returning the view at the snapshot's tick.
    ///
    /// Spawns of ids already known, ids out of order and field counts that disagree with the
    /// baseline are all rejected: a client never holds state for an entity it was not told of.
    static func readBody<State: Codable & Sendable>(
        _ coding: StateCoding<State>, from reader: inout BitReader, baseline: ClientView<State>, limits: WireLimits
    ) throws(ReplicationError) -> ClientView<State> {
        var view = ClientView<State>()
        do {
            if try reader.readBool("any changed") {
                view.entities.reserveCapacity(baseline.entities.count)
                view.states.reserveCapacity(baseline.entities.count)
                for (index, old) in baseline.entities.enumerated() {
                    guard try reader.readBool("entity changed") else {
                        view.entities.append(old)
                        view.states.append(baseline.states[index])
                        continue
                    }
                    let changed = try readMask(count: old.record.fields.count, from: &reader)
                    if changed == 0 { continue }
                    var fields = StateBits()
                    let state = try coding.decode(
                        from: &reader, source: .delta(baseline: old.record.fields, changed: changed), limits: limits,
                        bits: &fields)
                    view.entities.append(
                        ViewedEntity(
                            id: old.id,
                            record: EntityRecord(kind: old.record.kind, owner: old.record.owner, fields: fields)
                        ))
                    view.states.append(state)
                }
            } else {
                view = baseline
            }
            try readSpawns(coding, from: &reader, baseline: baseline, into: &view, limits: limits)
            try reader.expectEnd("end of snapshot")
        } catch let error as WireError {
            throw .malformed(error)
        } catch let error as ReplicationError {
            throw error
        } catch {
            throw .malformed(
                WireError(.unsupported(String(describing: error)), expected: "snapshot", at: reader.bitsRead))
        }
        return view
    }

    /// A changed entity's field mask, bit `i` for field `i`: one read when the bits are there,
    /// else bit by bit, so a short packet fails at the bit that is missing.
    private static func readMask(count: Int, from reader: inout BitReader) throws(WireError) -> UInt64 {
        if count <= reader.remainingBits { return try reader.readBits(count, "field mask") }
        var mask: UInt64 = 0
        for index in 0..<count where try reader.readBool("field mask") { mask |= 1 << UInt64(index) }
        return mask
    }

    /// Reads the spawns and merges them into `view` in id order.
    private static func readSpawns<State: Codable & Sendable>(
        _ coding: StateCoding<State>, from reader: inout BitReader, baseline: ClientView<State>,
        into view: inout ClientView<State>, limits: WireLimits
    ) throws(ReplicationError) {
        let spawnCount: Int
        do { spawnCount = try reader.readLength(limit: maxSpawns, minimumBitsEach: 1, "spawn count") } catch {
            throw .malformed(error)
        }
        guard spawnCount > 0 else { return }
        var spawned = ClientView<State>()
        var previous: UInt32 = 0
        for index in 0..<spawnCount {
            let start = reader.bitsRead
            let gap: UInt64
            let kind: EntityKind
            let owner: ParticipantID
            do throws(WireError) {
                gap = try reader.readVarUInt("entity id gap")
                let (sum, overflow) = UInt64(previous).addingReportingOverflow(gap)
                guard !overflow, let value = UInt32(exactly: sum), index == 0 || gap > 0 else {
                    throw WireError(.valueOutOfRange, expected: "entity id", at: start)
                }
                previous = value
                // Ids only grow within a snapshot, so one already in the view was in the baseline.
                guard baseline.index(of: EntityID(value)) == nil else {
                    throw WireError(.valueOutOfRange, expected: "spawn of a new entity", at: start)
                }
                kind = EntityKind(try reader.readCodedInteger(UInt16.self, "entity kind"))
                owner = ParticipantID(try reader.readCodedInteger(UInt16.self, "entity owner"))
            } catch {
                throw .malformed(error)
            }
            var fields = StateBits()
            let state = try coding.decode(from: &reader, source: .full, limits: limits, bits: &fields)
            spawned.entities.append(
                ViewedEntity(id: EntityID(previous), record: EntityRecord(kind: kind, owner: owner, fields: fields)))
            spawned.states.append(state)
        }
        view.merge(spawned)
    }
}

extension ClientView {
    /// Adds `other`'s entities (none of which this view has), keeping the order by id.
    mutating func merge(_ other: ClientView) {
        if entities.last.map({ $0.id < other.entities[0].id }) ?? true {
            entities.append(contentsOf: other.entities)
            states.append(contentsOf: other.states)
            return
        }
        var merged = ClientView()
        merged.entities.reserveCapacity(entities.count + other.entities.count)
        merged.states.reserveCapacity(entities.count + other.entities.count)
        var mine = 0
        var theirs = 0
        while mine < entities.count || theirs < other.entities.count {
            if theirs == other.entities.count
                || (mine < entities.count && entities[mine].id < other.entities[theirs].id)
            {
                merged.entities.append(entities[mine])
                merged.states.append(states[mine])
                mine += 1
            } else {
                merged.entities.append(other.entities[theirs])
                merged.states.append(other.states[theirs])
                theirs += 1
            }
        }
        self = merged
    }
}
