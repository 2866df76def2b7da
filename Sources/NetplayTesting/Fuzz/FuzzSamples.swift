import NetplayBase
import NetplayWire

/// Message types covering every kind the coder supports, for fuzzing outside the test
/// suite (the libFuzzer target and `netplay fuzz`).
package enum FuzzSamples {
    package struct Point: Codable, Sendable {
        var x: Float
        var y: Float
    }

    package enum Event: Codable, Sendable {
        case fired(origin: Point, velocity: Point, tick: UInt32)
        case joined(name: String)
        case left
        indirect case pair(Event, Event)
    }

    package enum Coordinate: QuantizationFormat {
        package static let format = QuantizedFloat(0..<2048, step: 1.0 / 64)
    }

    package struct Kitchen: NetMessage {
        package var flag: Bool
        var small: Int8
        var big: UInt64
        package var signed: Int64
        var ratio: Double
        package var name: String
        package var blob: [UInt8]
        var maybe: Point?
        package var path: [[Point]]
        var scores: [String: Int32]
        var tags: Set<UInt16>
        package var events: [Event]
        @Quantized<Coordinate> var x: Float = 0
        @QuantizedAngle package var facing: Float = 0
    }

    package struct Move: NetMessage {
        package var id: UInt16
        @Quantized<Coordinate> var x: Float
        @Quantized<Coordinate> var y: Float
        @QuantizedAngle package var facing: Float
    }

    package static let registry = MessageRegistry([Kitchen.self, Move.self])

    static func seeds() -> [[UInt8]] {
        let kitchen = Kitchen(
            flag: true, small: -3, big: .max, signed: .min, ratio: -0.0, name: "héllo 🎮", blob: [1, 2, 3],
            maybe: Point(x: 1, y: -1), path: [[Point(x: 0, y: 0)], []], scores: ["a": 1, "bb": -2], tags: [7, 9],
            events: [
                .left, .joined(name: "ann"),
                .pair(.left, .fired(origin: Point(x: 1, y: 2), velocity: Point(x: 3, y: 4), tick: 99)),
            ],
            x: 1000.5, facing: 1)
        let move = Move(id: 42, x: 1023.5, y: 511.25, facing: 1.5)
        let messages: [any NetMessage] = [kitchen, move]
        return messages.compactMap { try? registry.encode($0) }
    }
}

extension WireFuzzInput {
    /// Runs `count` seeded hostile buffers through every decoder; for `netplay fuzz`.
    package static func run(count: Int, seed: UInt64, progress: (Int) -> Void = { _ in }) -> WireFuzzOutcome {
        var random = DeterministicRandom(seed: seed)
        let seeds = FuzzSamples.seeds()
        var outcome = WireFuzzOutcome()
        for index in 0..<count {
            decodeBoth(
                make(index: index, seeds: seeds, random: &random), codable: FuzzSamples.registry,
                generated: FuzzSamples.Generated.registry, into: &outcome)
            if index % 100_000 == 0 { progress(index) }
        }
        return outcome
    }

    /// Feeds one libFuzzer input to every decoder.
    package static func fuzzOne(_ bytes: [UInt8]) {
        var outcome = WireFuzzOutcome()
        decodeBoth(bytes, codable: FuzzSamples.registry, generated: FuzzSamples.Generated.registry, into: &outcome)
        // A disagreement is a bug in the generated coder: stop so libFuzzer keeps the input.
        precondition(outcome.disagreements == 0, "generated and Codable decoders disagree on this input")
    }
}
