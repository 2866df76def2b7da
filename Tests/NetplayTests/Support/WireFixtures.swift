@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

struct Vec2: Codable, Hashable, Sendable {
    var x: Float
    var y: Float
}

enum Weapon: String, Codable, CaseIterable, Sendable {
    case pistol, shotgun, laser
}

enum GameEvent: Codable, Hashable, Sendable {
    case fired(origin: Vec2, velocity: Vec2, tick: UInt32)
    case joined(name: String)
    case left
    case hit(target: Int64?, damage: [Int16])
    indirect case combo(GameEvent, GameEvent)
}

enum ArenaCoordinate: QuantizationFormat {
    static let format = QuantizedFloat(0...2048, step: 1.0 / 64)
}

/// One field of every supported kind.
struct Everything: NetMessage, Hashable {
    var flag: Bool
    var i8: Int8
    var i16: Int16
    var i32: Int32
    var i64: Int64
    var int: Int
    var u8: UInt8
    var u16: UInt16
    var u32: UInt32
    var u64: UInt64
    var uint: UInt
    var float: Float
    var double: Double
    var name: String
    var blob: [UInt8]
    var maybe: Int32?
    var maybeNested: Vec2?
    var points: [Vec2]
    var scores: [String: Int]
    var tags: Set<Int16>
    var events: [GameEvent]
    var weapon: Weapon
    @Quantized<ArenaCoordinate> var px: Float = 0
    @QuantizedAngle var facing: Float = 0
}

/// The benchmark's message, with its hand-quantized fields.
struct Move: NetMessage, Hashable {
    var id: UInt16
    @Quantized<ArenaCoordinate> var x: Float
    @Quantized<ArenaCoordinate> var y: Float
    @QuantizedAngle var facing: Float
}

extension TestRandom {
    mutating func float() -> Float {
        switch Int.random(in: 0..<8, using: &self) {
        case 0:
            return [
                0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
                -.leastNormalMagnitude,
            ].randomElement(using: &self)!
        default:
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &self))
            return value.isNaN ? 1.5 : value
        }
    }

    mutating func double() -> Double {
        let value = Double(bitPattern: next())
        return value.isNaN ? -0.0 : value
    }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type = T.self) -> T {
        switch Int.random(in: 0..<6, using: &self) {
        case 0: return .min
        case 1: return .max
        case 2: return 0
        case 3: return T(truncatingIfNeeded: Int8.random(in: -3...3, using: &self))
        default: return T(truncatingIfNeeded: next())
        }
    }

    mutating func string(maxBytes: Int = 40) -> String {
        let alphabet: [Character] = ["a", "Z", "0", " ", "é", "ß", "漢", "🎮", "\u{0}", "\n"]
        var result = ""
        while result.utf8.count < Int.random(in: 0...maxBytes, using: &self) {
            result.append(alphabet.randomElement(using: &self)!)
        }
        while result.utf8.count > maxBytes { result.removeLast() }
        return result
    }

    mutating func vec2() -> Vec2 { Vec2(x: float(), y: float()) }

    mutating func event(depth: Int = 0) -> GameEvent {
        switch Int.random(in: 0..<(depth < 2 ? 5 : 4), using: &self) {
        case 0: return .fired(origin: vec2(), velocity: vec2(), tick: integer())
        case 1: return .joined(name: string())
        case 2: return .left
        case 3:
            return .hit(
                target: chance(0.5) ? integer() : nil,
                damage: (0..<Int.random(in: 0...4, using: &self)).map { _ in integer() })
        default: return .combo(event(depth: depth + 1), event(depth: depth + 1))
        }
    }

    mutating func everything() -> Everything {
        Everything(
            flag: chance(0.5), i8: integer(), i16: integer(), i32: integer(), i64: integer(), int: integer(),
            u8: integer(), u16: integer(), u32: integer(), u64: integer(), uint: integer(),
            float: float(), double: double(), name: string(), blob: bytes(Int.random(in: 0...20, using: &self)),
            maybe: chance(0.5) ? integer() : nil, maybeNested: chance(0.5) ? vec2() : nil,
            points: (0..<Int.random(in: 0...5, using: &self)).map { _ in vec2() },
            scores: Dictionary(
                uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &self)).map { i in ("p\(i)", integer()) }),
            tags: Set((0..<Int.random(in: 0...6, using: &self)).map { _ in integer(Int16.self) }),
            events: (0..<Int.random(in: 0...3, using: &self)).map { _ in event() },
            weapon: Weapon.allCases.randomElement(using: &self)!,
            px: Float(Int.random(in: 0...(2048 * 64), using: &self)) / 64,
            facing: 0
        )
    }
}
