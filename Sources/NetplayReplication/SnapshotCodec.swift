import NetplayWire

/// An entity as it stands in one snapshot: identity and the bits of each state field.
package struct EntityRecord: Hashable, Sendable {
    package var kind: EntityKind
    package var owner: ParticipantID
    package var fields: StateBits

    package init(kind: EntityKind, owner: ParticipantID, fields: StateBits) {
        self.kind = kind
        self.owner = owner
        self.fields = fields
    }
}

/// One entity of a snapshot view: what the host remembers sending, and (with the states
/// alongside) what the client decoded. Views keep these sorted by id, the order snapshots
/// code them in, so a view is built and walked without hashing.
package struct ViewedEntity: Hashable, Sendable {
    package var id: EntityID
    package var record: EntityRecord

    package init(id: EntityID, record: EntityRecord) {
        self.id = id
        self.record = record
    }
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

    /// The body of a full snapshot (no baseline): every entity of `spawns` (sorted by id)
    /// as a spawn.
    package static func writeFullBody(spawns: [ViewedEntity], to writer: inout BitWriter) {
        writer.writeBool(false)
        writer.writeVarUInt(UInt64(spawns.count))
        var previous: UInt32 = 0
        for spawn in spawns {
            writeSpawn(spawn.record, gap: spawn.id.value - previous, to: &writer)
            previous = spawn.id.value
        }
    }

    /// Fields whose mask bits an update of `old` to `new` carries (the counts agree unless a
    /// `Codable` state changed shape, which then cannot be sent as an update in full).
    static func maskedFieldCount(_ new: EntityRecord, _ old: EntityRecord) -> Int {
        min(new.fields.count, old.fields.count)
    }

    /// The mask and masked fields of a changed entity.
    static func writeUpdate(_ new: EntityRecord, against old: EntityRecord, to writer: inout BitWriter) {
        let count = maskedFieldCount(new, old)
        var changed: UInt64 = 0
        for index in 0..<count where !new.fields.field(index, equals: old.fields) {
            changed |= 1 << UInt64(index)
        }
        writer.writeBits(changed, count: count)
        for index in 0..<count where changed & (1 << UInt64(index)) != 0 {
            FieldDelta.write(field: index, of: new.fields, against: old.fields, to: &writer)
        }
    }

    /// A despawn: the changed bit's mask, with every field clear.
    static func writeDespawn(_ old: EntityRecord, to writer: inout BitWriter) {
        var remaining = old.fields.count
        while remaining > 0 {
            let count = min(remaining, UInt64.bitWidth)
            writer.writeBits(0, count: count)
            remaining -= count
        }
    }

    static func writeSpawn(_ record: EntityRecord, gap: UInt32, to writer: inout BitWriter) {
        writeSpawnHeader(record, gap: gap, to: &writer)
        record.fields.write(to: &writer)
    }

    /// What precedes a spawn's fields: the id gap, the kind and the owner.
    private static func writeSpawnHeader(_ record: EntityRecord, gap: UInt32, to writer: inout BitWriter) {
        writer.writeVarUInt(UInt64(gap))
        writer.writeCodedInteger(record.kind.value)
        writer.writeCodedInteger(record.owner.value)
    }

    /// Bits an update of `old` to `new` costs (the changed bit included): what
    /// ``writeUpdate(_:against:to:)`` writes, counted without writing.
    static func updateCost(_ new: EntityRecord, against old: EntityRecord) -> Int {
        let count = maskedFieldCount(new, old)
        var bits = 1 + count
        for index in 0..<count where !new.fields.field(index, equals: old.fields) {
            bits += FieldDelta.cost(of: new.fields.fields[index], against: old.fields.fields[index])
        }
        return bits
    }

    /// Bits a spawn costs, counting the id as if its gap were the whole id (an upper bound).
    static func spawnCost(_ id: EntityID, _ record: EntityRecord) -> Int {
        var header = BitWriter(capacity: 0)
        writeSpawnHeader(record, gap: id.value, to: &header)
        return record.fields.fields.reduce(header.bitCount) { $0 + $1.bitCount }
    }
}
