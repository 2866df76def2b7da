import NetplayWire

/// The exact bits one top-level field of a state encodes to: the unit of delta compression.
/// Two states whose field bits are equal look the same to a peer, so comparing bits (not
/// values) also ignores changes smaller than the field's quantization step.
///
/// A plain value (no references): up to 64 bits are kept inline, which is every field of a
/// typical state (a quantized coordinate, an angle, a small integer); the bytes past the
/// first eight of a wider field (a string, an array) live in the owning ``StateBits``'s
/// `spill`. So an array of fields is one allocation and copying or dropping it touches no
/// reference counts.
package struct FieldBits: Hashable, Sendable {
    /// The first (up to) 64 bits, least significant first; bits past `bitCount` are zero.
    package var head: UInt64
    /// How many bits are meaningful.
    package var bitCount: Int
    /// Where the bytes past the first eight start in the owner's `spill`; always 0 for a
    /// field of up to 64 bits, so that equal bits are equal values.
    var spillStart: Int

    /// Bits kept inline.
    static let headBits = UInt64.bitWidth
    /// Widest field that delta coding treats as an integer; keeps `new - old` exact in Int64.
    static let maxIntegerBits = 62

    /// Whether some of the bits live in the owner's spill.
    var isWide: Bool { bitCount > Self.headBits }

    /// Bytes of the spill this field uses.
    var spillCount: Int { isWide ? (bitCount - Self.headBits + 7) / 8 : 0 }

    /// The bits as an unsigned integer, when the field is narrow enough for delta coding.
    var integerValue: UInt64? { bitCount <= Self.maxIntegerBits ? head : nil }
}

/// The bits of every top-level field of one state, in declaration order.
package struct StateBits: Hashable, Sendable {
    /// Each field, in order.
    package private(set) var fields: [FieldBits] = []
    /// Bytes past the first eight of each wide field, in field order; empty (and never
    /// allocated) when every field fits in 64 bits.
    private(set) var spill: [UInt8] = []

    /// No fields yet.
    package init() {}

    /// No fields yet, with room for `count`.
    init(reservingCapacity count: Int) { fields.reserveCapacity(count) }

    /// Number of fields.
    package var count: Int { fields.count }

    /// Appends a field of at most 64 bits.
    mutating func append(head: UInt64, bitCount: Int) {
        fields.append(FieldBits(head: head, bitCount: bitCount, spillStart: 0))
    }

    /// Appends everything `writer` wrote (from its first bit) as one field.
    mutating func append(bitsOf writer: BitWriter) {
        let count = writer.bitCount
        if count < FieldBits.headBits, writer.storage.isEmpty {
            append(head: writer.scratch, bitCount: count)
            return
        }
        var copy = writer
        appendBytes(copy.finish(), bitCount: count)
    }

    /// Appends a field whose bits are `bytes` (least significant first, zero-padded).
    mutating func appendBytes(_ bytes: [UInt8], bitCount: Int) {
        var head: UInt64 = 0
        for (index, byte) in bytes.prefix(FieldBits.headBits / 8).enumerated() {
            head |= UInt64(byte) << UInt64(index * 8)
        }
        let field = FieldBits(
            head: head, bitCount: bitCount, spillStart: bitCount > FieldBits.headBits ? spill.count : 0)
        fields.append(field)
        spill.append(contentsOf: bytes.dropFirst(FieldBits.headBits / 8).prefix(field.spillCount))
    }

    /// Appends field `index` of `other`.
    mutating func append(field index: Int, of other: StateBits) {
        let field = other.fields[index]
        guard field.isWide else {
            fields.append(field)
            return
        }
        fields.append(FieldBits(head: field.head, bitCount: field.bitCount, spillStart: spill.count))
        spill.append(contentsOf: other.spill[field.spillStart..<(field.spillStart + field.spillCount)])
    }

    /// Appends the `count` bits `reader` (a copy taken before a read) is positioned at.
    mutating func appendBits(from reader: BitReader, count: Int) throws(WireError) {
        var source = reader
        if count <= FieldBits.headBits {
            append(head: try source.readBits(count, "field bits"), bitCount: count)
            return
        }
        var writer = BitWriter(capacity: (count + 7) / 8)
        var remaining = count
        while remaining > 0 {
            let take = min(remaining, FieldBits.headBits / 2)
            writer.writeBits(try source.readBits(take, "field bits"), count: take)
            remaining -= take
        }
        appendBytes(writer.finish(), bitCount: count)
    }

    /// Whether field `index` has the same bits as field `index` of `other`.
    func field(_ index: Int, equals other: StateBits) -> Bool {
        let mine = fields[index]
        let theirs = other.fields[index]
        guard mine.head == theirs.head, mine.bitCount == theirs.bitCount else { return false }
        guard mine.isWide else { return true }
        return spill[mine.spillStart..<(mine.spillStart + mine.spillCount)]
            == other.spill[theirs.spillStart..<(theirs.spillStart + theirs.spillCount)]
    }

    /// Appends field `index`'s bits to `writer`.
    package func write(field index: Int, to writer: inout BitWriter) {
        let field = fields[index]
        guard field.isWide else {
            writer.writeBits(field.head, count: field.bitCount)
            return
        }
        writer.writeBits(field.head, count: FieldBits.headBits)
        var remaining = field.bitCount - FieldBits.headBits
        for byte in spill[field.spillStart..<(field.spillStart + field.spillCount)] {
            let take = min(remaining, 8)
            writer.writeBits(UInt64(byte), count: take)
            remaining -= take
        }
    }

    /// Appends every field's bits to `writer`, in order.
    package func write(to writer: inout BitWriter) {
        for index in fields.indices { write(field: index, to: &writer) }
    }

    /// A reader positioned at the first bit of field `index` (its last byte zero-padded, as if
    /// it had been written on its own).
    func reader(forField index: Int, limits: WireLimits) -> BitReader {
        let field = fields[index]
        guard field.isWide else { return BitReader(word: field.head, bitCount: field.bitCount, limits: limits) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(FieldBits.headBits / 8 + field.spillCount)
        for index in 0..<(FieldBits.headBits / 8) {
            bytes.append(UInt8(truncatingIfNeeded: field.head >> UInt64(index * 8)))
        }
        bytes.append(contentsOf: spill[field.spillStart..<(field.spillStart + field.spillCount)])
        return BitReader(bytes, limits: limits)
    }
}
