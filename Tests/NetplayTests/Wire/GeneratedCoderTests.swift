import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

/// `@NetMessage` against the `Codable` path: the same bytes for random values of every
/// supported kind, values that decode back equal, and the same schema fingerprint.
@Suite("Generated coder")
struct GeneratedCoderTests {
    /// Random values per property test: enough to hit every branch of the random generator
    /// (each kind, empty and full collections, every optional level) many times.
    static let samples = 2_000

    private func generatedBytes<M: NetMessage>(_ message: M) throws -> [UInt8] {
        var writer = BitWriter()
        try message.encode(to: &writer)
        return writer.finish()
    }

    private func generatedDecode<M: NetMessage>(_ type: M.Type, _ bytes: [UInt8]) throws -> M {
        var reader = BitReader(bytes)
        let value = try M(from: &reader)
        try reader.expectEnd()
        return value
    }

    @Test func randomValuesOfEveryKindGiveTheCodableBytesAndDecodeBackEqual() throws {
        var random = TestRandom(seed: 0x14)
        for _ in 0..<Self.samples {
            let generated = random.macroKinds()
            let codable = CodableTwin.Kinds(generated)
            let bytes = try generatedBytes(generated)
            #expect(bytes == (try WireEncoder().encode(codable)))
            #expect(try generatedDecode(MacroTwin.Kinds.self, bytes) == generated)
            // Each side reads the other's bytes: either program may use either coder.
            #expect(try WireDecoder().decode(CodableTwin.Kinds.self, from: bytes) == codable)
        }
    }

    @Test func moveMatchesTheCodableMoveAndIsSevenBytesInTheBenchmarkFormat() throws {
        var random = TestRandom(seed: 7)
        for _ in 0..<Self.samples {
            let id: UInt16 = random.integer()
            let x = Float(Int.random(in: 0...(2048 * 64), using: &random)) / 64
            let y = Float(Int.random(in: 0...(2048 * 64), using: &random)) / 64
            let facing = random.exactAngle(bits: ByteAngle.bits)
            let generated = MacroTwin.Move(id: id, x: x, y: y, facing: facing)
            let bytes = try generatedBytes(generated)
            #expect(bytes == (try WireEncoder().encode(CodableTwin.Move(id: id, x: x, y: y, facing: facing))))
            #expect(try generatedDecode(MacroTwin.Move.self, bytes) == generated)
        }
        // The benchmark's format (0..<2048 to 1/64: 17 bits) makes the 55-bit, 7-byte Move.
        let sample = FuzzSamples.Generated.Move(id: 999, x: 1023.5, y: 511.25, facing: 1.5)
        #expect(try generatedBytes(sample).count == 7)
    }

    @Test func schemaFingerprintIsTheCodableOne() {
        let codable = MessageRegistry([CodableTwin.Kinds.self, CodableTwin.Move.self])
        let generated = MessageRegistry([MacroTwin.Kinds.self, MacroTwin.Move.self])
        #expect(generated.schema.lines == codable.schema.lines)
        #expect(generated.fingerprint == codable.fingerprint)
    }

    @Test func registryMessagesCrossBetweenTheTwoCoders() throws {
        let codable = MessageRegistry([CodableTwin.Kinds.self, CodableTwin.Move.self])
        let generated = MessageRegistry([MacroTwin.Kinds.self, MacroTwin.Move.self])
        var random = TestRandom(seed: 3)
        let kinds = random.macroKinds()
        let bytes = try generated.encode(kinds)
        #expect(bytes == (try codable.encode(CodableTwin.Kinds(kinds))))
        #expect(try generated.decode(bytes) as? MacroTwin.Kinds == kinds)
        #expect(try codable.decode(bytes) as? CodableTwin.Kinds == CodableTwin.Kinds(kinds))
    }

    @Test func unknownEnumCasesAndRawValuesAreTypedErrors() {
        var writer = BitWriter()
        try? writer.writeEnumCase("teleported")
        #expect(throws: WireError(.unknownKey("teleported"), expected: "Event", at: 0)) {
            _ = try generatedDecode(MacroTwin.Event.self, writer.finish())
        }
        var raw = BitWriter()
        raw.writeCodedInteger(UInt8(7))
        #expect(throws: WireError(.unknownKey("7"), expected: "Team", at: 0)) {
            _ = try generatedDecode(MacroTwin.Team.self, raw.finish())
        }
    }

    @Test func recursionDeeperThanTheLimitIsATypedErrorNotACrash() {
        // 40 nested combos: each level is a case key, and the decoder must stop at the cap.
        var writer = BitWriter()
        for _ in 0..<40 { try? writer.writeEnumCase("combo") }
        try? writer.writeEnumCase("left")
        let bytes = writer.finish()
        #expect(throws: WireError.self) { _ = try generatedDecode(MacroTwin.Event.self, bytes) }
        do {
            _ = try generatedDecode(MacroTwin.Event.self, bytes)
        } catch let error as WireError {
            #expect(error.kind == .nestingTooDeep(limit: WireLimits.default.maxDepth))
        } catch {
            Issue.record("not a WireError: \(error)")
        }
    }

    @Test func replicationFieldsMatchTheCodableSplitterAndRebuildTheState() throws {
        var random = TestRandom(seed: 18)
        for _ in 0..<Self.samples / 10 {
            let generated = random.macroKinds()
            let fields = try StateFields.encode(generated, limits: .default)
            let codable = try StateFields.encode(CodableTwin.Kinds(generated), limits: .default)
            #expect(fields == codable)
            #expect(fields.count == MacroTwin.Kinds.wireFieldCount)

            // A spawn carries every field in full; a delta only the changed ones.
            var packet = BitWriter()
            fields.write(to: &packet)
            var reader = BitReader(packet.finish())
            let spawned = try StateFields.decode(MacroTwin.Kinds.self, from: &reader, source: .full, limits: .default)
            #expect(spawned.state == generated)
            #expect(spawned.fields == fields)

            var changed = generated
            changed.name = random.string()
            changed.u16 &+= 1
            let newFields = try StateFields.encode(changed, limits: .default)
            var mask: UInt64 = 0
            for index in 0..<fields.count where !newFields.field(index, equals: fields) {
                mask |= 1 << UInt64(index)
            }
            #expect(mask != 0)
            var delta = BitWriter()
            for index in 0..<fields.count where mask & (1 << UInt64(index)) != 0 {
                FieldDelta.write(field: index, of: newFields, against: fields, to: &delta)
            }
            var deltaReader = BitReader(delta.finish())
            let updated = try StateFields.decode(
                MacroTwin.Kinds.self, from: &deltaReader, source: .delta(baseline: fields, changed: mask),
                limits: .default)
            #expect(updated.state == changed)
            #expect(updated.fields == newFields)
        }
    }
}
