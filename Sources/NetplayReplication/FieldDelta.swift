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
    /// Bits that select the tier: four tiers.
    static let tierSelectorBits = 2
    /// Width of the narrowest tier's difference (±7 steps) and how much each next tier adds:
    /// 4, 7, 10 and 13 bits, ±7, ±63, ±511 and ±4095 steps. Arithmetic rather than a table,
    /// so that reading a delta loads nothing.
    static let firstTierBits = 4
    static let bitsAddedPerTier = 3

    /// Width of tier `tier`'s zig-zagged difference.
    static func tierBits(_ tier: Int) -> Int { firstTierBits + bitsAddedPerTier * tier }

    /// How a changed field travels: as a difference in a tier, or in full.
    enum Encoding {
        case delta(tier: Int, difference: UInt64)
        case full
    }

    /// The shorter of the two ways to send `new` to a peer holding `old`. The one place the
    /// choice is made, so that ``cost(of:against:)`` and ``write(field:of:against:to:)`` agree.
    static func encoding(of new: FieldBits, against old: FieldBits) -> Encoding {
        guard new.bitCount == old.bitCount, let newValue = new.integerValue, let oldValue = old.integerValue else {
            return .full
        }
        let difference = ZigZag.encode(Int64(newValue) - Int64(oldValue))
        for tier in 0..<(1 << tierSelectorBits) where difference >> UInt64(tierBits(tier)) == 0 {
            return tierSelectorBits + tierBits(tier) < new.bitCount ? .delta(tier: tier, difference: difference) : .full
        }
        return .full
    }

    /// Bits ``write(field:of:against:to:)`` writes for a field: the flag, then the tier and
    /// difference or the field in full.
    static func cost(of new: FieldBits, against old: FieldBits) -> Int {
        switch encoding(of: new, against: old) {
        case .delta(let tier, _): 1 + tierSelectorBits + tierBits(tier)
        case .full: 1 + new.bitCount
        }
    }

    /// Writes the "delta" flag and then either the small difference or field `index` of
    /// `new` in full.
    package static func write(field index: Int, of new: StateBits, against old: StateBits, to writer: inout BitWriter) {
        switch encoding(of: new.fields[index], against: old.fields[index]) {
        case .delta(let tier, let difference):
            writer.writeBool(true)
            writer.writeBits(UInt64(tier), count: tierSelectorBits)
            writer.writeBits(difference, count: tierBits(tier))
        case .full:
            writer.writeBool(false)
            new.write(field: index, to: &writer)
        }
    }

    /// Reads a difference (the flag has been read and was set) and applies it to `baseline`,
    /// returning the new field's bits.
    package static func read(from reader: inout BitReader, baseline: FieldBits) throws(WireError) -> UInt64 {
        let start = reader.bitsRead
        guard let oldValue = baseline.integerValue else {
            throw WireError(.valueOutOfRange, expected: "delta against a wide field", at: start)
        }
        let tier = Int(try reader.readBits(tierSelectorBits, "delta tier"))
        let difference = ZigZag.decode(try reader.readBits(tierBits(tier), "field delta"))
        let value = Int64(oldValue) + difference
        guard value >= 0, UInt64(value) >> UInt64(baseline.bitCount) == 0 else {
            throw WireError(.valueOutOfRange, expected: "field delta within the field's width", at: start)
        }
        return UInt64(value)
    }
}
