@testable import NetplayWire

// Twin declarations: the same types, field for field and name for name, once with `Codable`
// coders (`CodableTwin`) and once with coders written by `@NetMessage` (`MacroTwin`). The
// names match so the schema fingerprints can be compared too.

/// A `Codable` struct no twin owns: the generated coder nests it through `Codable`.
struct PlainVec: Codable, Hashable, Sendable {
    var x: Int16
    var y: Int16
}

/// A property wrapper that is neither `@Quantized` nor `@QuantizedAngle`: coded as itself.
@propertyWrapper
struct Clamped: Codable, Hashable, Sendable {
    var wrappedValue: Int
}

enum CodableTwin {
    struct Point: Codable, Hashable, Sendable {
        var x: Float
        var y: Float
    }

    enum Team: UInt8, Codable, Hashable, Sendable {
        case red = 1
        case blue = 200
    }

    enum Weapon: String, Codable, CaseIterable, Hashable, Sendable {
        case pistol, shotgun, laser
    }

    enum Event: Codable, Hashable, Sendable {
        case fired(origin: Point, velocity: Point, tick: UInt32)
        case joined(name: String)
        case left
        case hit(target: Int64?, damage: [Int16])
        case tagged(Int, String)
        indirect case combo(Event, Event)
    }

    struct Kinds: NetMessage, Hashable {
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
        var maybeMaybe: Int8??
        var maybeNested: Point?
        var points: [Point]
        var optionals: [UInt16?]
        var grid: [[Int16]]
        var scores: [String: Int]
        var blobs: [UInt8: [UInt8]]
        var tags: Set<Int16>
        var events: [Event]
        var team: Team
        var weapon: Weapon
        var plain: PlainVec
        @Quantized<ArenaCoordinate> var px: Float = 0
        @QuantizedAngle var facing: Float = 0
        @QuantizedAngleWith<FineAngle> var aim: Float = 0
        @Clamped var hp: Int = 0
    }

    struct Move: NetMessage, Hashable {
        var id: UInt16
        @Quantized<ArenaCoordinate> var x: Float
        @Quantized<ArenaCoordinate> var y: Float
        @QuantizedAngle var facing: Float
    }
}

enum MacroTwin {
    @NetMessage
    struct Point: Hashable {
        var x: Float
        var y: Float
    }

    @NetMessage
    enum Team: UInt8, Hashable {
        case red = 1
        case blue = 200
    }

    @NetMessage
    enum Weapon: String, CaseIterable, Hashable {
        case pistol, shotgun, laser
    }

    @NetMessage
    enum Event: Hashable {
        case fired(origin: Point, velocity: Point, tick: UInt32)
        case joined(name: String)
        case left
        case hit(target: Int64?, damage: [Int16])
        case tagged(Int, String)
        indirect case combo(Event, Event)
    }

    @NetMessage
    struct Kinds: Hashable {
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
        var maybeMaybe: Int8??
        var maybeNested: Point?
        var points: [Point]
        var optionals: [UInt16?]
        var grid: [[Int16]]
        var scores: [String: Int]
        var blobs: [UInt8: [UInt8]]
        var tags: Set<Int16>
        var events: [Event]
        var team: Team
        var weapon: Weapon
        var plain: PlainVec
        @Quantized<ArenaCoordinate> var px: Float = 0
        @QuantizedAngle var facing: Float = 0
        @QuantizedAngleWith<FineAngle> var aim: Float = 0
        @Clamped var hp: Int = 0
    }

    @NetMessage
    struct Move: Hashable {
        var id: UInt16
        @Quantized<ArenaCoordinate> var x: Float
        @Quantized<ArenaCoordinate> var y: Float
        @QuantizedAngle var facing: Float
    }
}

extension CodableTwin.Point {
    init(_ twin: MacroTwin.Point) { self.init(x: twin.x, y: twin.y) }
}

extension CodableTwin.Event {
    init(_ twin: MacroTwin.Event) {
        switch twin {
        case .fired(let origin, let velocity, let tick):
            self = .fired(origin: .init(origin), velocity: .init(velocity), tick: tick)
        case .joined(let name): self = .joined(name: name)
        case .left: self = .left
        case .hit(let target, let damage): self = .hit(target: target, damage: damage)
        case .tagged(let number, let text): self = .tagged(number, text)
        case .combo(let first, let second): self = .combo(.init(first), .init(second))
        }
    }
}

extension CodableTwin.Kinds {
    /// The twin of `twin`, sharing its sets and dictionaries (whose iteration order, and so
    /// whose bytes, belong to the instance).
    init(_ twin: MacroTwin.Kinds) {
        self.init(
            flag: twin.flag, i8: twin.i8, i16: twin.i16, i32: twin.i32, i64: twin.i64, int: twin.int, u8: twin.u8,
            u16: twin.u16, u32: twin.u32, u64: twin.u64, uint: twin.uint, float: twin.float, double: twin.double,
            name: twin.name, blob: twin.blob, maybe: twin.maybe, maybeMaybe: twin.maybeMaybe,
            maybeNested: twin.maybeNested.map(CodableTwin.Point.init), points: twin.points.map(CodableTwin.Point.init),
            optionals: twin.optionals, grid: twin.grid, scores: twin.scores, blobs: twin.blobs, tags: twin.tags,
            events: twin.events.map(CodableTwin.Event.init), team: CodableTwin.Team(rawValue: twin.team.rawValue)!,
            weapon: CodableTwin.Weapon(rawValue: twin.weapon.rawValue)!, plain: twin.plain, px: twin.px,
            facing: twin.facing, aim: twin.aim, hp: twin.hp)
    }
}

extension TestRandom {
    mutating func macroPoint() -> MacroTwin.Point { MacroTwin.Point(x: float(), y: float()) }

    mutating func macroEvent(depth: Int = 0) -> MacroTwin.Event {
        switch Int.random(in: 0..<(depth < 2 ? 6 : 5), using: &self) {
        case 0: return .fired(origin: macroPoint(), velocity: macroPoint(), tick: integer())
        case 1: return .joined(name: string())
        case 2: return .left
        case 3:
            return .hit(
                target: chance(0.5) ? integer() : nil,
                damage: (0..<Int.random(in: 0...4, using: &self)).map { _ in integer() })
        case 4: return .tagged(integer(), string(maxBytes: 8))
        default: return .combo(macroEvent(depth: depth + 1), macroEvent(depth: depth + 1))
        }
    }

    /// An angle that survives `bits`-bit quantization exactly, so decoded values compare equal.
    mutating func exactAngle(bits: Int) -> Float {
        AngleQuantization.angle(UInt64.random(in: 0..<(1 << UInt64(bits)), using: &self), bits: bits)
    }

    mutating func macroKinds() -> MacroTwin.Kinds {
        let maybeMaybe: Int8?? =
            switch Int.random(in: 0..<3, using: &self) {
            case 0: .none
            case 1: .some(.none)
            default: .some(.some(integer()))
            }
        return MacroTwin.Kinds(
            flag: chance(0.5), i8: integer(), i16: integer(), i32: integer(), i64: integer(), int: integer(),
            u8: integer(), u16: integer(), u32: integer(), u64: integer(), uint: integer(),
            float: float(), double: double(), name: string(), blob: bytes(Int.random(in: 0...20, using: &self)),
            maybe: chance(0.5) ? integer() : nil, maybeMaybe: maybeMaybe,
            maybeNested: chance(0.5) ? macroPoint() : nil,
            points: (0..<Int.random(in: 0...5, using: &self)).map { _ in macroPoint() },
            optionals: (0..<Int.random(in: 0...4, using: &self)).map { _ in chance(0.5) ? integer() : nil },
            grid: (0..<Int.random(in: 0...3, using: &self)).map { _ in
                (0..<Int.random(in: 0...3, using: &self)).map { _ in integer() }
            },
            scores: Dictionary(
                uniqueKeysWithValues: (0..<Int.random(in: 0...4, using: &self)).map { i in ("p\(i)", integer()) }),
            blobs: Dictionary(
                (0..<Int.random(in: 0...3, using: &self)).map { _ in (integer(UInt8.self), bytes(3)) },
                uniquingKeysWith: { first, _ in first }),
            tags: Set((0..<Int.random(in: 0...6, using: &self)).map { _ in integer(Int16.self) }),
            events: (0..<Int.random(in: 0...3, using: &self)).map { _ in macroEvent() },
            team: chance(0.5) ? .red : .blue, weapon: MacroTwin.Weapon.allCases.randomElement(using: &self)!,
            plain: PlainVec(x: integer(), y: integer()),
            px: Float(Int.random(in: 0...(2048 * 64), using: &self)) / 64,
            facing: exactAngle(bits: ByteAngle.bits), aim: exactAngle(bits: FineAngle.bits), hp: integer())
    }
}
