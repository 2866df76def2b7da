import NetplayWire

/// Message types covering every field kind the binary coder has, for the published test
/// vectors (docs/test-vectors/messages.json). Changing any of them changes the vectors.
package enum VectorMessages {
    /// Registration order, which fixes each type id.
    package static let all: [any NetMessage.Type] = [
        Integers.self, Floats.self, QuantizedFields.self, Strings.self, Collections.self, Optionals.self,
        Enums.self, Nested.self,
    ]

    package struct Integers: NetMessage, Equatable {
        var u8: UInt8
        var u16: UInt16
        var u32: UInt32
        var u64: UInt64
        var uint: UInt
        var i8: Int8
        var i16: Int16
        var i32: Int32
        var i64: Int64
        var int: Int
        var flag: Bool
    }

    package struct Floats: NetMessage, Equatable {
        var single: Float
        var double: Double
    }

    package enum ArenaCoordinate: QuantizationFormat {
        package static let format = QuantizedFloat(0..<2048, step: 1.0 / 64)
    }

    package struct QuantizedFields: NetMessage, Equatable {
        @Quantized<ArenaCoordinate> var x: Float
        @QuantizedAngle var facing: Float
        @QuantizedAngleWith<FineAngle> var aim: Float
    }

    package struct Strings: NetMessage, Equatable {
        var empty: String
        var text: String
    }

    package struct Collections: NetMessage, Equatable {
        var blob: [UInt8]
        var numbers: [Int16]
        var words: [String]
        var scores: [String: UInt16]
    }

    package struct Optionals: NetMessage, Equatable {
        var present: UInt32?
        var absent: String?
    }

    /// Cases with integer coding keys travel as that integer.
    package enum Team: Int, Codable, CaseIterable, Sendable {
        case red = 0
        case blue = 1
        case green = 5
    }

    /// Cases with associated values travel as their case name, then their values.
    package enum Action: Codable, Equatable, Sendable {
        case idle
        case move(dx: Int16, dy: Int16)
    }

    package struct Enums: NetMessage, Equatable {
        var team: Team
        var action: Action
        var other: Action
    }

    package struct Point: Codable, Equatable, Sendable {
        var x: Int16
        var y: Int16
    }

    package struct Nested: NetMessage, Equatable {
        var origin: Point
        var path: [Point]
        var label: String?
    }

    /// One value of each type, chosen for edge cases: zero, one, extremes, negatives,
    /// multi-byte UTF-8, empty collections.
    package static let samples: [any NetMessage] = [
        Integers(
            u8: 255, u16: 999, u32: 0, u64: UInt64.max, uint: 1, i8: -128, i16: -1, i32: 300, i64: Int64.min, int: -2,
            flag: true),
        Floats(single: -1.5, double: 0.1),
        QuantizedFields(x: 100.25, facing: 1.5707964, aim: -3.1415927),
        Strings(empty: "", text: "héllo, wörld ✓"),
        Collections(blob: [0, 1, 0xFF, 0x80], numbers: [0, -1, 1, 1000], words: ["a", "", "bc"], scores: ["ann": 7]),
        Optionals(present: 65_535, absent: nil),
        Enums(team: .green, action: .move(dx: -3, dy: 4), other: .idle),
        Nested(origin: Point(x: -5, y: 5), path: [Point(x: 1, y: 2), Point(x: 3, y: 4)], label: "p"),
    ]
}
