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

/// Random and mutated buffers fed to every decoder: each must give a value or a typed
/// error, never trap, hang or allocate by an unchecked length.
@Suite("Hostile input")
struct HostileInputTests {
    /// Buffers per run of the debug test suite, each through the `Codable` and the generated
    /// decoders; `netplay fuzz` runs the full-size version (20 M by default).
    static let buffers = 250_000

    @Test func randomAndMutatedBuffersNeverTrapAndBothCodersAgree() async throws {
        let memoryBefore = peakResidentBytes()
        let outcome = await offTheCooperativePool { () -> WireFuzzOutcome in
            let codable = MessageRegistry([CodableTwin.Kinds.self, CodableTwin.Move.self, Vec2Message.self])
            let generated = MessageRegistry([MacroTwin.Kinds.self, MacroTwin.Move.self, GeneratedVec2Message.self])
            var random = TestRandom(seed: 0xF022)
            var seeds: [[UInt8]] = []
            for _ in 0..<64 { seeds.append((try? generated.encode(random.macroKinds())) ?? []) }
            seeds.append((try? generated.encode(MacroTwin.Move(id: 1, x: 2, y: 3, facing: 1))) ?? [])
            var outcome = WireFuzzOutcome()
            for index in 0..<Self.buffers {
                let buffer = WireFuzzInput.make(index: index, seeds: seeds, random: &random)
                WireFuzzInput.decodeBoth(buffer, codable: codable, generated: generated, into: &outcome)
            }
            return outcome
        }
        #expect(outcome.decoded + outcome.rejected == Self.buffers)
        #expect(outcome.decoded > 0 && outcome.rejected > 0)
        #expect(outcome.generatedDecoded == outcome.decoded)
        #expect(outcome.disagreements == 0)
        if let before = memoryBefore, let after = peakResidentBytes() {
            // Bounded: a hostile length may never turn into a large allocation.
            #expect(after - before < 64 << 20, "peak memory grew by \(after - before) bytes")
        }
    }

    @Test func hugeLengthsAreRefusedBeforeAllocating() {
        let registry = MessageRegistry([Everything.self])
        // Message 0, then a varint claiming 2^63 for the first length-prefixed field.
        var writer = BitWriter()
        writer.writeVarUInt(0)
        writer.writeBool(true)
        for _ in 0..<10 { writer.writeVarUInt(0) }
        writer.writeFloat(0)
        writer.writeDouble(0)
        writer.writeVarUInt(1 << 63)
        #expect(throws: WireError.self) { _ = try registry.decode(writer.bytes) }
    }
}

struct Vec2Message: NetMessage {
    var points: [[Vec2]]
    var names: [String: [String]]
}

/// `Vec2Message` with a generated coder; `Vec2` itself stays `Codable` and nests through it.
@NetMessage
struct GeneratedVec2Message {
    var points: [[Vec2]]
    var names: [String: [String]]
}
