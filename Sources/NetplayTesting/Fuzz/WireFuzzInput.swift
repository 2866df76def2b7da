import NetplayWire

/// Shared by the hostile-input test, the libFuzzer target and `netplay fuzz`: how to turn
/// an index and seed corpus into a hostile buffer, and how to feed it to every decoder.
package enum WireFuzzInput {
    /// A hostile buffer: random bytes, or a valid encoding with bit flips, truncation,
    /// inserted huge varints or spliced garbage.
    package static func make<R: RandomNumberGenerator>(index: Int, seeds: [[UInt8]], random: inout R) -> [UInt8] {
        if index % 4 == 0 || seeds.isEmpty {
            return (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        var buffer = seeds[Int.random(in: 0..<seeds.count, using: &random)]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !buffer.isEmpty:
                let bit = Int.random(in: 0..<(buffer.count * 8), using: &random)
                buffer[bit / 8] ^= 1 << UInt8(bit % 8)
            case 1 where !buffer.isEmpty:
                buffer.removeLast(Int.random(in: 1...buffer.count, using: &random))
            case 2:
                let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
                buffer.insert(contentsOf: huge, at: Int.random(in: 0...buffer.count, using: &random))
            case 3 where !buffer.isEmpty:
                buffer[Int.random(in: 0..<buffer.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            default:
                buffer.append(
                    contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    })
            }
        }
        return buffer
    }

    /// Decodes `buffer` as a registry message and with the raw bit-reader primitives.
    /// Returns whether the registry produced a value (true) or a typed error (false).
    static func decodeAll(_ buffer: [UInt8], registry: MessageRegistry) -> Bool {
        var primitives = BitReader(buffer)
        _ = try? primitives.readString()
        _ = try? primitives.readBlob()
        _ = try? primitives.readArray { (reader: inout BitReader) throws(WireError) in try reader.readVarInt() }
        _ = try? primitives.readQuantized(QuantizedFloat(0...2048, step: 1.0 / 64))
        return (try? registry.decode(buffer)) != nil
    }

    /// Decodes `buffer` with the `Codable` decoders of `codable` and the generated decoders of
    /// `generated` (the same messages, registered in the same order), and tallies whether
    /// each produced a value and whether they agreed.
    package static func decodeBoth(
        _ buffer: [UInt8], codable: MessageRegistry, generated: MessageRegistry, into outcome: inout WireFuzzOutcome
    ) {
        let byCodable = decodeAll(buffer, registry: codable)
        let byGenerated = (try? generated.decode(buffer)) != nil
        outcome.record(byCodable)
        outcome.recordGenerated(byGenerated, agreeing: byGenerated == byCodable)
    }
}

/// Counts of a fuzz run.
package struct WireFuzzOutcome: Sendable {
    /// Buffers that decoded to a value.
    package var decoded = 0
    /// Buffers rejected with a typed error.
    package var rejected = 0

    /// Creates an empty tally.
    package init() {}

    /// Buffers the generated (`@NetMessage`) decoders turned into a value.
    package var generatedDecoded = 0
    /// Buffers the generated decoders rejected with a typed error.
    package var generatedRejected = 0
    /// Buffers on which the generated and the `Codable` decoders disagreed: must stay 0.
    package var disagreements = 0

    /// Counts one buffer.
    package mutating func record(_ decodedValue: Bool) {
        if decodedValue { decoded += 1 } else { rejected += 1 }
    }

    /// Counts one buffer through the generated decoders.
    package mutating func recordGenerated(_ decodedValue: Bool, agreeing: Bool) {
        if decodedValue { generatedDecoded += 1 } else { generatedRejected += 1 }
        if !agreeing { disagreements += 1 }
    }
}
