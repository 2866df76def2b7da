import Foundation
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

@Suite("Codable binary coder")
struct WireCoderTests {
    @Test func randomValuesOfEveryKindRoundTrip() throws {
        var random = TestRandom(seed: 42)
        for _ in 0..<2_000 {
            let value = random.everything()
            let bytes = try WireEncoder().encode(value)
            let decoded = try WireDecoder().decode(Everything.self, from: bytes)
            #expect(decoded == value)
        }
    }

    @Test func edgeValuesRoundTrip() throws {
        let maxString = String(repeating: "é", count: WireLimits.default.maxStringBytes / 2)
        let edges = [
            Everything(
                flag: false, i8: .min, i16: .min, i32: .min, i64: .min, int: .min, u8: 0, u16: 0, u32: 0, u64: 0,
                uint: 0,
                float: -0.0, double: -0.0, name: "", blob: [], maybe: nil, maybeNested: nil, points: [], scores: [:],
                tags: [],
                events: [], weapon: .pistol, px: 0, facing: 0),
            Everything(
                flag: true, i8: .max, i16: .max, i32: .max, i64: .max, int: .max, u8: .max, u16: .max, u32: .max,
                u64: .max, uint: .max,
                float: .greatestFiniteMagnitude, double: .infinity, name: maxString,
                blob: [UInt8](repeating: 0xFF, count: 4096),
                maybe: .min, maybeNested: Vec2(x: .infinity, y: -.infinity),
                points: [Vec2](repeating: Vec2(x: 1, y: 2), count: 2000), scores: ["": 0], tags: [.min, .max],
                events: [.left, .combo(.left, .joined(name: maxString))], weapon: .laser, px: 2048, facing: 0),
        ]
        for value in edges {
            #expect(try WireDecoder().decode(Everything.self, from: WireEncoder().encode(value)) == value)
        }
        #expect(throws: WireError.self) {
            _ = try WireEncoder().encode(
                Everything(
                    flag: true, i8: 0, i16: 0, i32: 0, i64: 0, int: 0, u8: 0, u16: 0, u32: 0, u64: 0, uint: 0,
                    float: 0, double: 0, name: maxString + "x", blob: [], maybe: nil, maybeNested: nil,
                    points: [], scores: [:], tags: [], events: [], weapon: .pistol))
        }
    }

    @Test func arraysAtTheElementCapRoundTripAndOneMoreIsRefused() throws {
        let limit = WireLimits.default.maxElements
        let maximal = [UInt8](repeating: 0xA5, count: limit)
        #expect(try WireDecoder().decode([UInt8].self, from: WireEncoder().encode(maximal)) == maximal)
        #expect(
            throws: WireError(.lengthTooLarge(length: UInt64(limit + 1), limit: limit), expected: "array count", at: 0)
        ) {
            _ = try WireEncoder().encode([UInt8](repeating: 0, count: limit + 1))
        }
        let empty: [[String]] = [[], [""], []]
        #expect(try WireDecoder().decode([[String]].self, from: WireEncoder().encode(empty)) == empty)
    }

    @Test func nanSurvivesInsideStructsBitForBit() throws {
        let payload = Float(bitPattern: 0x7FC0_0ABC)
        let decoded = try WireDecoder().decode(Vec2.self, from: WireEncoder().encode(Vec2(x: payload, y: -.nan)))
        #expect(decoded.x.bitPattern == payload.bitPattern)
        #expect(decoded.y.bitPattern == (-Float.nan).bitPattern)
    }

    @Test func noFieldNamesOnTheWire() throws {
        struct Named: Codable { var aVeryLongFieldNameIndeed: UInt8 }
        #expect(try WireEncoder().encode(Named(aVeryLongFieldNameIndeed: 5)) == [5])
        let vec = try WireEncoder().encode(Vec2(x: 1, y: 2))
        #expect(vec.count == 8)
    }

    @Test func optionalsCostOneBitWhenAbsent() throws {
        struct Maybe: Codable, Equatable {
            var a: Bool?
            var b: String?
            var c: Vec2?
        }
        let bytes = try WireEncoder().encode(Maybe(a: nil, b: nil, c: nil))
        #expect(bytes == [0])
        let some = Maybe(a: true, b: "x", c: Vec2(x: 0, y: 0))
        #expect(try WireDecoder().decode(Maybe.self, from: WireEncoder().encode(some)) == some)
    }

    @Test func enumCasesTravelAsTheirNamesAndUnknownCasesAreTypedErrors() throws {
        enum Old: Codable {
            case a
            case renamed(Int)
        }
        enum New: Codable {
            case a
            case other(Int)
        }
        let bytes = try WireEncoder().encode(Old.renamed(1))
        #expect(throws: WireError(.unknownKey("renamed"), expected: "CodingKeys", at: 0)) {
            _ = try WireDecoder().decode(New.self, from: bytes)
        }
    }

    @Test func moveWithQuantizedFieldsIsSevenBytes() throws {
        let move = Move(id: 42, x: 1023.515625, y: 511.25, facing: 1.5)
        let bytes = try WireEncoder().encode(move)
        #expect(bytes.count == 7)  // 10 (compact id: 5-bit length + 5 bits) + 18 + 18 + 8 bits = 54 bits
        let decoded = try WireDecoder().decode(Move.self, from: bytes)
        #expect(decoded.id == 42 && decoded.x == 1023.515625 && decoded.y == 511.25)
        #expect(abs(decoded.facing - 1.5) < 0.013)  // half of an 8-bit step
        // The same type still speaks JSON, with plain floats.
        let json = try JSONDecoder().decode(Move.self, from: JSONEncoder().encode(move))
        #expect(json == move)
    }

    @Test func nestingIsCappedAgainstRecursiveInput() throws {
        var event = GameEvent.left
        for _ in 0..<40 { event = .combo(event, .left) }
        #expect(throws: WireError.self) { _ = try WireEncoder().encode(event) }
        let shallow = try WireEncoder(limits: WireLimits(maxDepth: 100)).encode(event)
        #expect(throws: WireError.self) { _ = try WireDecoder().decode(GameEvent.self, from: shallow) }
        #expect(try WireDecoder(limits: WireLimits(maxDepth: 100)).decode(GameEvent.self, from: shallow) == event)
    }

    @Test func handWrittenMessagesUseTheirOwnBits() throws {
        let registry = MessageRegistry([HandWrittenPing.self, Move.self])
        let bytes = try registry.encode(HandWrittenPing(sequence: 0xBEEF))
        #expect(bytes == [0, 0xEF, 0xBE])
        #expect(try registry.decode(bytes) as? HandWrittenPing == HandWrittenPing(sequence: 0xBEEF))
        #expect(throws: WireError(.unknownMessageID(9), expected: "message id", at: 0)) { _ = try registry.decode([9]) }
    }

    /// A type id below 128 is read where it lies (one byte); the same id written in more
    /// groups (PROTOCOL §6.1 allows it) goes through the general reader: both must agree, on
    /// what they decode and on what they refuse.
    @Test func aTypeIDInOneByteDecodesAsTheSameIDInTwo() throws {
        struct Flag: NetMessage, Equatable {
            var on: Bool
            init(on: Bool) { self.on = on }
            func encode(to writer: inout BitWriter) throws(WireError) { writer.writeBool(on) }
            init(from reader: inout BitReader) throws(WireError) { on = try reader.readBool() }
        }
        let registry = MessageRegistry([HandWrittenPing.self, Flag.self])
        /// `bytes` with its first byte (a one-group type id) written as two groups.
        func twoGroups(_ bytes: [UInt8]) -> [UInt8] { [bytes[0] | 0x80, 0] + bytes.dropFirst() }

        let ping = try registry.encode(HandWrittenPing(sequence: 0xBEEF))
        let flag = try registry.encode(Flag(on: true))
        #expect(ping == [0, 0xEF, 0xBE])
        #expect(flag == [1, 1])
        for bytes in [ping, twoGroups(ping)] {
            #expect(try registry.decode(bytes) as? HandWrittenPing == HandWrittenPing(sequence: 0xBEEF))
        }
        for bytes in [flag, twoGroups(flag)] {
            #expect(try registry.decode(bytes) as? Flag == Flag(on: true))
        }
        // Refused alike: an unknown id, a body cut short, a byte left over, bad padding.
        for bytes in [[2], twoGroups([2])] {
            #expect(throws: WireError(.unknownMessageID(2), expected: "message id", at: 0)) {
                _ = try registry.decode(bytes)
            }
        }
        // The same error, eight bits further on in the longer form.
        func refusal(_ bytes: [UInt8]) -> WireError? {
            let result = Result { () throws(WireError) -> any NetMessage in try registry.decode(bytes) }
            guard case .failure(let error) = result else { return nil }
            return error
        }
        for bytes: [UInt8] in [[0, 0xEF], [0, 0xEF, 0xBE, 0], [1, 3]] {
            let short = try #require(refusal(bytes))
            let long = try #require(refusal(twoGroups(bytes)))
            #expect(long.kind == short.kind)
            #expect(long.expected == short.expected)
            #expect(long.bitOffset == short.bitOffset + 8)
        }
        #expect(refusal([])?.kind == .endOfData(neededBits: 8))
    }

    /// A registry of more than 128 types: an id of 128 or more takes two bytes, whose first is
    /// at least 0x80 and must not be read as a one-byte id (128 here, a type that exists).
    @Test func anIDOf128OrMoreIsReadAsTwoBytes() throws {
        let types = Self.distinctTypes(Tagged<Zero>.self, count: 130)
        let registry = MessageRegistry(types)
        let first = try registry.encode(Tagged<Zero>(value: 7))
        #expect(first == [0, 7])
        #expect((try registry.decode(first) as? Tagged<Zero>)?.value == 7)
        // Type 128: id [0x80, 0x01], then its byte.
        let last = types[128]
        let bytes = try registry.encode(last.init(value: 9))
        #expect(bytes == [0x80, 0x01, 9])
        let decoded = try registry.decode(bytes)
        #expect(type(of: decoded) == last)
        #expect((decoded as? any TaggedMessage)?.value == 9)
    }

    /// `count` message types, each a `Tagged` of a different tag, from `first` on.
    private static func distinctTypes<Tag>(_ first: Tagged<Tag>.Type, count: Int) -> [any TaggedMessage.Type] {
        guard count > 0 else { return [] }
        return [first] + distinctTypes(Tagged<Next<Tag>>.self, count: count - 1)
    }
}

/// A message whose bits are written by hand: a 16-bit sequence, little-endian.
private struct HandWrittenPing: NetMessage, Equatable {
    var sequence: UInt16
    init(sequence: UInt16) { self.sequence = sequence }
    func encode(to writer: inout BitWriter) throws(WireError) { writer.writeFixed(sequence) }
    init(from reader: inout BitReader) throws(WireError) { sequence = try reader.readFixed() }
}

/// A one-byte message of a type made distinct by its tag: for registries of many types.
private protocol TaggedMessage: NetMessage {
    var value: UInt8 { get }
    init(value: UInt8)
}

private struct Tagged<Tag>: TaggedMessage {
    var value: UInt8
    init(value: UInt8) { self.value = value }
    func encode(to writer: inout BitWriter) throws(WireError) { writer.writeFixed(value) }
    init(from reader: inout BitReader) throws(WireError) { value = try reader.readFixed() }
}

private enum Zero {}
private enum Next<Tag> {}
