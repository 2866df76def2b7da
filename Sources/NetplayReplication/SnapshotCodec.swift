import NetplayWire

/// An entity as it stands in one snapshot: identity and the bits of each state field.
package struct EntityRecord: Hashable, Sendable {
    package var kind: EntityKind
    package var owner: ParticipantID
    package var fields: [FieldBits]

    package init(kind: EntityKind, owner: ParticipantID, fields: [FieldBits]) {
        self.kind = kind
        self.owner = owner
        self.fields = fields
    }
}

/// A decoded entity the client holds: its record (the next baseline) and its state.
package struct ClientEntity<State: Sendable>: Sendable {
    package var record: EntityRecord
    package var state: State
}

/// The round-trip probe a snapshot echoes for clock sync: the client's timestamp from its
/// newest input packet and how long the host held it before this snapshot left.
package struct ClockEcho: Hashable, Sendable {
    var clientMilliseconds: UInt32
    var holdMilliseconds: UInt32
}

/// What a snapshot says beyond entity state.
package struct SnapshotHeader: Hashable, Sendable {
    package var tick: Tick
    /// The acknowledged snapshot this one is a delta against, or `nil` for a full snapshot.
    package var baseline: Tick?
    package var echo: ClockEcho?

    package init(tick: Tick, baseline: Tick?, echo: ClockEcho?) {
        self.tick = tick
        self.baseline = baseline
        self.echo = echo
    }
}

/// How a snapshot changes the client's view of the baseline into the view at `header.tick`.
package struct SnapshotChanges: Sendable {
    var updates: [EntityID: EntityRecord] = [:]
    var despawns: Set<EntityID> = []
    package var spawns: [EntityID: EntityRecord] = [:]

    package init() {}
}

/// The snapshot wire format (all little-endian bit order, see ``BitWriter``):
///
/// ```
/// varuint  tick
/// varuint  tick − baseline tick, 0 = full snapshot (no baseline)
/// bit      clock echo present → 32-bit client milliseconds, varuint hold milliseconds
/// bit      any baseline entity changed; if set, for each baseline entity by ascending id:
///            bit changed → one mask bit per field; all-zero mask = despawned, else for each
///                          masked field: FieldDelta (flag, then tiered delta or full bits)
/// varuint  spawn count, then per spawn by ascending id:
///            varuint id gap (first: the id), compact kind, compact owner, every field in full
/// ```
/// An unchanged world costs the header and two bits; an unchanged entity in a changed world
/// one bit; an unchanged field of a changed entity one bit.
package enum SnapshotCodec {
    /// Most spawns one snapshot may carry: bounds decoding work on hostile input.
    static let maxSpawns = 4096
    /// Largest hold time echoed; anything longer is no use as an RTT sample.
    static let maxHoldMilliseconds: UInt32 = 10_000

    package static func writeHeader(_ header: SnapshotHeader, to writer: inout BitWriter) {
        writer.writeVarUInt(UInt64(header.tick.value))
        writer.writeVarUInt(header.baseline.map { UInt64(max($0.distance(to: header.tick), 1)) } ?? 0)
        writer.writeBool(header.echo != nil)
        if let echo = header.echo {
            writer.writeFixed(echo.clientMilliseconds)
            writer.writeVarUInt(UInt64(min(echo.holdMilliseconds, maxHoldMilliseconds)))
        }
    }

    static func readHeader(from reader: inout BitReader) throws(WireError) -> SnapshotHeader {
        let start = reader.bitsRead
        guard let tick = UInt32(exactly: try reader.readVarUInt("snapshot tick")) else {
            throw WireError(.valueOutOfRange, expected: "snapshot tick", at: start)
        }
        let distance = try reader.readVarUInt("baseline distance")
        guard distance <= UInt64(tick) else {
            throw WireError(.valueOutOfRange, expected: "baseline distance", at: start)
        }
        var echo: ClockEcho?
        if try reader.readBool("clock echo flag") {
            let client = try reader.readFixed(UInt32.self, "echoed client time")
            let hold = try reader.readVarUInt("hold time")
            guard hold <= UInt64(maxHoldMilliseconds) else {
                throw WireError(.valueOutOfRange, expected: "hold time", at: start)
            }
            echo = ClockEcho(clientMilliseconds: client, holdMilliseconds: UInt32(hold))
        }
        return SnapshotHeader(
            tick: Tick(tick), baseline: distance == 0 ? nil : Tick(tick - UInt32(distance)), echo: echo)
    }

    /// Writes the changes against `baseline` (sorted by id).
    package static func writeBody(
        _ changes: SnapshotChanges, baseline: [(EntityID, EntityRecord)], to writer: inout BitWriter
    ) {
        let anyChanged = !changes.updates.isEmpty || !changes.despawns.isEmpty
        writer.writeBool(anyChanged)
        if anyChanged {
            for (id, old) in baseline {
                if changes.despawns.contains(id) {
                    writer.writeBool(true)
                    for _ in old.fields { writer.writeBool(false) }
                } else if let new = changes.updates[id] {
                    writer.writeBool(true)
                    writeUpdate(new, against: old, to: &writer)
                } else {
                    writer.writeBool(false)
                }
            }
        }
        writer.writeVarUInt(UInt64(changes.spawns.count))
        var previous: UInt32 = 0
        for (id, record) in changes.spawns.sorted(by: { $0.key < $1.key }) {
            writeSpawn(record, gap: id.value - previous, to: &writer)
            previous = id.value
        }
    }

    /// The mask and masked fields of a changed entity.
    static func writeUpdate(_ new: EntityRecord, against old: EntityRecord, to writer: inout BitWriter) {
        let changed = zip(new.fields, old.fields).map { $0 != $1 }
        for flag in changed { writer.writeBool(flag) }
        for (index, flag) in changed.enumerated() where flag {
            FieldDelta.write(new.fields[index], against: old.fields[index], to: &writer)
        }
    }

    static func writeSpawn(_ record: EntityRecord, gap: UInt32, to writer: inout BitWriter) {
        writer.writeVarUInt(UInt64(gap))
        writer.writeCodedInteger(record.kind.value)
        writer.writeCodedInteger(record.owner.value)
        for field in record.fields { field.write(to: &writer) }
    }

    /// Bits an update of `old` to `new` costs (the changed bit included).
    static func updateCost(_ new: EntityRecord, against old: EntityRecord) -> Int {
        var scratch = BitWriter(capacity: 32)
        writeUpdate(new, against: old, to: &scratch)
        return 1 + scratch.bitCount
    }

    /// Bits a spawn costs, counting the id as if its gap were the whole id (an upper bound).
    static func spawnCost(_ id: EntityID, _ record: EntityRecord) -> Int {
        var scratch = BitWriter(capacity: 32)
        writeSpawn(record, gap: id.value, to: &scratch)
        return scratch.bitCount
    }
}
