import NetplayWire

/// Sends a changed field as a small difference from its baseline when that is shorter.
///
/// A quantized coordinate is an integer step index on the wire; between a snapshot and the
/// baseline the client acknowledged a few ticks earlier, a moving creep's index changes by
/// tens to hundreds of steps, not by the 2^17 its field could hold. As in Glenn Fiedler's
/// "Snapshot Compression", a tiered signed delta captures that: a 2-bit tier picks one of a
/// few widths for the zig-zagged difference. Any field narrow enough is treated as an
/// integer, so this needs no knowledge of the field's type; wider ones are sent in full.
package enum FieldDelta {
    /// Widths of the zig-zagged difference, by tier: ±7, ±63, ±511 and ±4095 steps.
    static let tierBits = [4, 7, 10, 13]
    /// Bits that select the tier.
    static let tierSelectorBits = 2

    /// Writes the "delta" flag and then either the small difference or `new` in full.
    package static func write(_ new: FieldBits, against old: FieldBits, to writer: inout BitWriter) {
        if new.bitCount == old.bitCount, let newValue = new.integerValue, let oldValue = old.integerValue {
            let difference = ZigZag.encode(Int64(newValue) - Int64(oldValue))
            if let tier = tierBits.firstIndex(where: { difference >> UInt64($0) == 0 }),
                tierSelectorBits + tierBits[tier] < new.bitCount
            {
                writer.writeBool(true)
                writer.writeBits(UInt64(tier), count: tierSelectorBits)
                writer.writeBits(difference, count: tierBits[tier])
                return
            }
        }
        writer.writeBool(false)
        new.write(to: &writer)
    }

    /// Reads a difference (the flag has been read and was set) and applies it to `baseline`.
    package static func read(from reader: inout BitReader, baseline: FieldBits) throws(WireError) -> FieldBits {
        let start = reader.bitsRead
        guard let oldValue = baseline.integerValue else {
            throw WireError(.valueOutOfRange, expected: "delta against a wide field", at: start)
        }
        let tier = Int(try reader.readBits(tierSelectorBits, "delta tier"))
        let difference = ZigZag.decode(try reader.readBits(tierBits[tier], "field delta"))
        let value = Int64(oldValue) + difference
        guard value >= 0, UInt64(value) >> UInt64(baseline.bitCount) == 0 else {
            throw WireError(.valueOutOfRange, expected: "field delta within the field's width", at: start)
        }
        return FieldBits(integer: UInt64(value), bitCount: baseline.bitCount)
    }
}
