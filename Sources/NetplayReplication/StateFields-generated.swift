import NetplayWire

/// The generated path: a state marked `@NetMessage` codes its own fields
/// (``WireFieldCoding``), with the same bits the `Codable` splitter produces but without
/// `Codable`'s containers, so the host and client spend a fraction of the time per entity.
extension StateFields {
    /// The field bits of a state that codes its own fields. A field of up to 64 bits is
    /// written to a writer that never allocates and kept inline.
    static func encodeFields<State: WireFieldCoding>(_ state: State, limits: WireLimits) throws(ReplicationError)
        -> StateBits
    {
        let count = State.wireFieldCount
        guard count <= maxFields else {
            throw .unsupportedState("\(State.self) has \(count) fields; at most \(maxFields)")
        }
        var bits = StateBits(reservingCapacity: count)
        for index in 0..<count {
            var writer = BitWriter(capacity: FieldBits.headBits / 8)
            writer.limits = limits
            do { try state.encode(field: index, to: &writer) } catch { throw .malformed(error) }
            bits.append(bitsOf: writer)
        }
        return bits
    }

    /// Decodes a state that reads its own fields, each from wherever `source` says it is, and
    /// collects the fields' bits in `bits` (the next baseline).
    static func decodeFields<Coded: WireFieldCoding, State>(
        _ coded: Coded.Type, as state: State.Type, from packet: inout BitReader, source: Source, limits: WireLimits,
        bits: inout StateBits
    ) throws(ReplicationError) -> State {
        var cursor = FieldCursor(packet: packet, source: source, limits: limits, expectedFields: Coded.wireFieldCount)
        let value: Coded
        do { value = try Coded(fields: &cursor) } catch { throw .malformed(error) }
        try cursor.checkFieldCount(of: "\(State.self)")
        packet = cursor.packet
        bits = cursor.bits
        return try same(value, as: State.self)
    }

    /// `value` as `Target`, which is its own type under another name: `Coded` and `State`
    /// above are one type, the first found by casting the second's metatype (`State.self as?
    /// any WireFieldCoding.Type`). A dynamic cast (`as?`) would look up `Optional<Target>`'s
    /// metadata and run the runtime's cast for every entity; comparing the metatypes and
    /// reinterpreting is exact and costs almost nothing.
    static func same<Value, Target>(_ value: Value, as target: Target.Type) throws(ReplicationError) -> Target {
        guard Value.self == Target.self else { throw .unsupportedState("\(Value.self) is not \(Target.self)") }
        return unsafeBitCast(value, to: Target.self)
    }
}

/// Hands each field of a state its bits, in order: from the packet (sent in full or as a
/// delta against the baseline) or, unchanged, from the baseline. Collects the field bits,
/// which become the client's next baseline.
package struct FieldCursor: WireFieldSource {
    package var packet: BitReader
    /// The fields the packet does not carry come from here (empty for a spawn).
    let baseline: StateBits
    /// Bit `i` set: field `i` is in the packet; clear: it is the baseline's. All set for a spawn.
    let changed: UInt64
    /// Whether every field is in the packet, in full (a spawn).
    let isFull: Bool
    let limits: WireLimits
    package private(set) var bits: StateBits

    package init(packet: BitReader, source: StateFields.Source, limits: WireLimits, expectedFields: Int = 0) {
        self.packet = packet
        switch source {
        case .full:
            (baseline, changed, isFull) = (StateBits(), .max, true)
        case .delta(let baseline, let changed):
            (self.baseline, self.changed, isFull) = (baseline, changed, false)
        }
        self.limits = limits
        bits = StateBits(reservingCapacity: expectedFields)
    }

    package mutating func field<Value>(_ read: (inout BitReader) throws(WireError) -> Value) throws(WireError)
        -> Value
    {
        let index = bits.count
        guard index < StateFields.maxFields else {
            throw WireError(
                .lengthTooLarge(length: UInt64(index), limit: StateFields.maxFields), expected: "field count",
                at: packet.bitsRead)
        }
        if isFull { return try readFromPacket(read) }
        guard index < baseline.count else {
            throw WireError(.valueOutOfRange, expected: "field \(index) of \(baseline.count)", at: packet.bitsRead)
        }
        let old = baseline.fields[index]
        var reader: BitReader
        if changed & (1 << UInt64(index)) == 0 {
            reader = baseline.reader(forField: index, limits: limits)
            bits.append(field: index, of: baseline)
        } else if try packet.readBool("field delta flag") {
            let head = try FieldDelta.read(from: &packet, baseline: old)
            reader = BitReader(word: head, bitCount: old.bitCount, limits: limits)
            bits.append(head: head, bitCount: old.bitCount)
        } else {
            return try readFromPacket(read)
        }
        let value = try read(&reader)
        guard reader.bitsRead == old.bitCount else {
            throw WireError(
                .trailingData(bits: old.bitCount - reader.bitsRead), expected: "field \(index)", at: packet.bitsRead)
        }
        return value
    }

    /// A delta must rebuild exactly as many fields as its baseline has.
    func checkFieldCount(of type: @autoclosure () -> String) throws(ReplicationError) {
        if !isFull, baseline.count != bits.count {
            throw .malformed(WireError(.valueOutOfRange, expected: "\(type()) field count", at: packet.bitsRead))
        }
    }

    private mutating func readFromPacket<Value>(_ read: (inout BitReader) throws(WireError) -> Value)
        throws(WireError) -> Value
    {
        let start = packet
        let value = try read(&packet)
        try bits.appendBits(from: start, count: packet.bitsRead - start.bitsRead)
        return value
    }
}
