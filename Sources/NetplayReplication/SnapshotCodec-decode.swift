import NetplayWire

extension SnapshotCodec {
    /// Applies a snapshot body to `baseline` (the client's view at the baseline tick, or
    /// empty for a full snapshot), returning the view at the snapshot's tick.
    ///
    /// Spawns of ids already known, ids out of order and field counts that disagree with the
    /// baseline are all rejected: a client never holds state for an entity it was not told of.
    static func readBody<State: Decodable & Sendable>(
        _ type: State.Type, from reader: inout BitReader,
        baseline: [EntityID: ClientEntity<State>], limits: WireLimits
    ) throws(ReplicationError) -> [EntityID: ClientEntity<State>] {
        var view = baseline
        do {
            if try reader.readBool("any changed") {
                for id in EntityID.sorted(baseline.keys) {
                    guard try reader.readBool("entity changed"), let old = view[id] else { continue }
                    let changed = try (0..<old.record.fields.count).map { _ throws(WireError) in
                        try reader.readBool("field mask")
                    }
                    if !changed.contains(true) {
                        view[id] = nil
                        continue
                    }
                    let (state, fields) = try StateFields.decode(
                        State.self, from: &reader, source: .delta(baseline: old.record.fields, changed: changed),
                        limits: limits)
                    view[id] = ClientEntity(
                        record: EntityRecord(kind: old.record.kind, owner: old.record.owner, fields: fields),
                        state: state)
                }
            }
            let spawnCount = try reader.readLength(limit: maxSpawns, minimumBitsEach: 1, "spawn count")
            var previous: UInt32 = 0
            for index in 0..<spawnCount {
                let start = reader.bitsRead
                let gap = try reader.readVarUInt("entity id gap")
                let (sum, overflow) = UInt64(previous).addingReportingOverflow(gap)
                guard !overflow, let value = UInt32(exactly: sum), index == 0 || gap > 0 else {
                    throw ReplicationError.malformed(WireError(.valueOutOfRange, expected: "entity id", at: start))
                }
                previous = value
                let id = EntityID(value)
                guard view[id] == nil, baseline[id] == nil else {
                    throw ReplicationError.malformed(
                        WireError(.valueOutOfRange, expected: "spawn of a new entity", at: start))
                }
                let kind = EntityKind(try reader.readCodedInteger(UInt16.self, "entity kind"))
                let owner = ParticipantID(try reader.readCodedInteger(UInt16.self, "entity owner"))
                let (state, fields) = try StateFields.decode(State.self, from: &reader, source: .full, limits: limits)
                view[id] = ClientEntity(record: EntityRecord(kind: kind, owner: owner, fields: fields), state: state)
            }
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
}
