import NetplayWire

/// The exact bits one top-level field of a state encodes to: the unit of delta compression.
/// Two states whose field bits are equal look the same to a peer, so comparing bits (not
/// values) also ignores changes smaller than the field's quantization step.
package struct FieldBits: Hashable, Sendable {
    /// The bits, least significant first, the last byte zero-padded.
    package var bytes: [UInt8]
    /// How many bits are meaningful.
    package var bitCount: Int

    /// Widest field that delta coding treats as an integer; keeps `new - old` exact in Int64.
    static let maxIntegerBits = 62
    /// Bytes reserved for one field's bits: a quantized coordinate or a small integer fits.
    static let typicalBytes = 8

    /// Appends these bits to `writer`.
    package func write(to writer: inout BitWriter) {
        var remaining = bitCount
        for byte in bytes where remaining > 0 {
            let take = min(remaining, 8)
            writer.writeBits(UInt64(byte), count: take)
            remaining -= take
        }
    }

    /// A reader positioned at the first bit.
    package func reader(limits: WireLimits) -> BitReader { BitReader(bytes, limits: limits) }

    /// The bits as an unsigned integer, when the field is narrow enough for delta coding.
    var integerValue: UInt64? {
        guard bitCount <= Self.maxIntegerBits else { return nil }
        var reader = BitReader(bytes)
        return try? reader.readBits(bitCount)
    }

    /// A field of `bitCount` bits holding `value`.
    package init(integer value: UInt64, bitCount: Int) {
        var writer = BitWriter(capacity: 8)
        writer.writeBits(value, count: bitCount)
        self.init(bytes: writer.finish(), bitCount: bitCount)
    }

    package init(bytes: [UInt8], bitCount: Int) {
        self.bytes = bytes
        self.bitCount = bitCount
    }

    /// Copies the `count` bits that `reader` (a copy taken before a read) is positioned at.
    package static func copy(from reader: BitReader, count: Int) throws(WireError) -> FieldBits {
        var source = reader
        var writer = BitWriter(capacity: (count + 7) / 8)
        var remaining = count
        while remaining > 0 {
            let take = min(remaining, 32)
            writer.writeBits(try source.readBits(take, "field bits"), count: take)
            remaining -= take
        }
        return FieldBits(bytes: writer.finish(), bitCount: count)
    }
}
