import NetplayWire

/// The generated path: a state marked `@NetMessage` codes its own fields
/// (``WireFieldCoding``), with the same bits the `Codable` splitter produces but without
/// `Codable`'s containers, so the host and client spend a fraction of the time per entity.
extension StateFields {
    /// The field bits of a state that codes its own fields.
    static func encodeFields<State: WireFieldCoding>(_ state: State, limits: WireLimits) throws(ReplicationError)
        -> [FieldBits]
    {
        let count = State.wireFieldCount
        guard count <= maxFields else {
            throw .unsupportedState("\(State.self) has \(count) fields; at most \(maxFields)")
        }
        var fields: [FieldBits] = []
        fields.reserveCapacity(count)
        for index in 0..<count {
            var writer = BitWriter(capacity: FieldBits.typicalBytes)
            writer.limits = limits
            do { try state.encode(field: index, to: &writer) } catch { throw .malformed(error) }
            let bitCount = writer.bitCount
            fields.append(FieldBits(bytes: writer.finish(), bitCount: bitCount))
        }
        return fields
    }

    /// Decodes a state that reads its own fields, each from wherever `source` says it is.
    static func decodeFields<Coded: WireFieldCoding, State>(
        _ coded: Coded.Type, as state: State.Type, from packet: inout BitReader, source: Source, limits: WireLimits
    ) throws(ReplicationError) -> (state: State, fields: [FieldBits]) {
        var cursor = FieldCursor(packet: packet, source: source, limits: limits, expectedFields: Coded.wireFieldCount)
        let value: Coded
        do { value = try Coded(fields: &cursor) } catch { throw .malformed(error) }
        try cursor.checkFieldCount(of: "\(State.self)")
        // `Coded` was found by casting `State.self`, so this cast succeeds; no `!` anyway.
        guard let decoded = value as? State else { throw .unsupportedState("\(Coded.self) is not \(State.self)") }
        packet = cursor.packet
        return (decoded, cursor.fields)
    }
}

/// Hands each field of a state its bits, in order: from the packet (sent in full or as a
/// delta against the baseline) or, unchanged, from the baseline. Collects the field bits,
/// which become the client's next baseline.
package struct FieldCursor: WireFieldSource {
    package var packet: BitReader
    let source: StateFields.Source
    let limits: WireLimits
    package private(set) var fields: [FieldBits] = []

    package init(packet: BitReader, source: StateFields.Source, limits: WireLimits, expectedFields: Int = 0) {
        self.packet = packet
        self.source = source
        self.limits = limits
        fields.reserveCapacity(expectedFields)
    }

    package mutating func field<Value>(_ read: (inout BitReader) throws(WireError) -> Value) throws(WireError)
        -> Value
    {
        let index = fields.count
        guard index < StateFields.maxFields else {
            throw WireError(
                .lengthTooLarge(length: UInt64(index), limit: StateFields.maxFields), expected: "field count",
                at: packet.bitsRead)
        }
        let bits: FieldBits
        switch source {
        case .full:
            return try readFromPacket(read)
        case .delta(let baseline, let changed):
            guard index < baseline.count else {
                throw WireError(.valueOutOfRange, expected: "field \(index) of \(baseline.count)", at: packet.bitsRead)
            }
            if !changed[index] {
                bits = baseline[index]
            } else if try packet.readBool("field delta flag") {
                bits = try FieldDelta.read(from: &packet, baseline: baseline[index])
            } else {
                return try readFromPacket(read)
            }
        }
        var reader = bits.reader(limits: limits)
        let value = try read(&reader)
        guard reader.bitsRead == bits.bitCount else {
            throw WireError(
                .trailingData(bits: bits.bitCount - reader.bitsRead), expected: "field \(index)", at: packet.bitsRead)
        }
        fields.append(bits)
        return value
    }

    /// A delta must rebuild exactly as many fields as its baseline has.
    func checkFieldCount(of type: @autoclosure () -> String) throws(ReplicationError) {
        if case .delta(let baseline, _) = source, baseline.count != fields.count {
            throw .malformed(WireError(.valueOutOfRange, expected: "\(type()) field count", at: packet.bitsRead))
        }
    }

    private mutating func readFromPacket<Value>(_ read: (inout BitReader) throws(WireError) -> Value)
        throws(WireError) -> Value
    {
        let start = packet
        let value = try read(&packet)
        fields.append(try FieldBits.copy(from: start, count: packet.bitsRead - start.bitsRead))
        return value
    }
}
