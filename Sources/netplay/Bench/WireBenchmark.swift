import Foundation
import Netplay
import NetplayWire

/// The wire figure: bytes and encode+decode time for a `Move`, Netplay against
/// `JSONEncoder`/`JSONDecoder`, measured side by side in one run.
enum WireBenchmark {
    enum ArenaCoordinate: QuantizationFormat {
        static let format = QuantizedFloat(0..<2048, step: 1.0 / 64)
    }

    /// What a newcomer writes with Netplay: quantized positions and angle, no other code;
    /// `@NetMessage` writes the bit coder.
    @NetMessage
    struct Move {
        var id: UInt16
        @Quantized<ArenaCoordinate> var x: Float
        @Quantized<ArenaCoordinate> var y: Float
        @QuantizedAngle var facing: Float
    }

    /// The same declaration without the macro: the same bytes through the `Codable` coder.
    struct CodableMove: NetMessage {
        var id: UInt16
        @Quantized<ArenaCoordinate> var x: Float
        @Quantized<ArenaCoordinate> var y: Float
        @QuantizedAngle var facing: Float
    }

    /// The same message for a programmer who wants every bit and every nanosecond: the same
    /// 55 bits, written by hand on the bit writer (no Codable machinery).
    struct HandWrittenMove: NetMessage {
        var id: UInt16
        var x: Float
        var y: Float
        var facing: Float

        init(id: UInt16, x: Float, y: Float, facing: Float) {
            (self.id, self.x, self.y, self.facing) = (id, x, y, facing)
        }

        func encode(to writer: inout BitWriter) throws(WireError) {
            writer.writeCodedInteger(id)
            writer.writeQuantized(x, ArenaCoordinate.format)
            writer.writeQuantized(y, ArenaCoordinate.format)
            writer.writeAngle(facing, bits: ByteAngle.bits)
        }

        init(from reader: inout BitReader) throws(WireError) {
            id = try reader.readCodedInteger(UInt16.self)
            x = try reader.readQuantized(ArenaCoordinate.format)
            y = try reader.readQuantized(ArenaCoordinate.format)
            facing = try reader.readAngle(bits: ByteAngle.bits)
        }
    }

    /// The same fields with no quantization declared: plain 32-bit floats.
    struct PlainMove: NetMessage {
        var id: UInt16
        var x: Float
        var y: Float
        var facing: Float
    }

    struct Row {
        var name: String
        var bytesPerMessage: Double
        var nanosecondsPerRoundTrip: Double
    }

    static func sampleMoves(count: Int) -> [PlainMove] {
        var random = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            PlainMove(
                id: UInt16.random(in: 0..<1000, using: &random),
                x: Float.random(in: 0..<2048, using: &random), y: Float.random(in: 0..<2048, using: &random),
                facing: Float.random(in: -Float.pi..<Float.pi, using: &random))
        }
    }

    /// Runs every coder `runs` times over `count` messages and returns the median per coder.
    static func run(count: Int, runs: Int, only: String? = nil) throws -> [Row] {
        let plain = sampleMoves(count: count)
        let moves = plain.map { Move(id: $0.id, x: $0.x, y: $0.y, facing: $0.facing) }
        let codableMoves = plain.map { CodableMove(id: $0.id, x: $0.x, y: $0.y, facing: $0.facing) }
        let handWritten = plain.map { HandWrittenMove(id: $0.id, x: $0.x, y: $0.y, facing: $0.facing) }
        let json = JSONEncoder()
        let jsonDecoder = JSONDecoder()
        let allCoders: [(String, () throws -> Int)] = [
            ("Netplay (@NetMessage, quantized)", { try roundTrip(moves) }),
            ("Netplay (Codable, quantized)", { try roundTrip(codableMoves) }),
            ("Netplay (hand-written bits)", { try roundTrip(handWritten) }),
            ("Netplay (plain Codable floats)", { try roundTrip(plain) }),
            (
                "JSONEncoder/JSONDecoder",
                {
                    var total = 0
                    for move in plain {
                        let data = try json.encode(move)
                        total += data.count
                        _ = try jsonDecoder.decode(PlainMove.self, from: data)
                    }
                    return total
                }
            ),
        ]
        let coders = allCoders.filter { only == nil || $0.0.contains(only!) }
        var samples = [[Double]](repeating: [], count: coders.count)
        var bytes = [Double](repeating: 0, count: coders.count)
        let clock = ContinuousClock()
        for _ in 0..<runs {
            // Alternate the coders within each run so machine noise hits them alike.
            for (index, coder) in coders.enumerated() {
                var total = 0
                let elapsed = try clock.measure { total = try coder.1() }
                samples[index].append(
                    Double(elapsed.components.attoseconds) / 1e9 / Double(count) + Double(elapsed.components.seconds)
                        * 1e9 / Double(count))
                bytes[index] = Double(total) / Double(count)
            }
        }
        return coders.indices.map {
            Row(name: coders[$0].0, bytesPerMessage: bytes[$0], nanosecondsPerRoundTrip: median(samples[$0]))
        }
    }

    /// Encodes and decodes each message as a game would per send; returns the bytes written.
    static func roundTrip<M: NetMessage>(_ messages: [M]) throws -> Int {
        var total = 0
        for message in messages {
            var writer = BitWriter(capacity: 16)
            try message.encode(to: &writer)
            let bytes = writer.finish()
            total += bytes.count
            var reader = BitReader(bytes)
            _ = try M(from: &reader)
        }
        return total
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
