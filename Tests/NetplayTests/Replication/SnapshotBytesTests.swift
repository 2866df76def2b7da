import Testing

@testable import NetplayBase
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension ReplicationTests {
    @Suite("Snapshot bytes")
    struct SnapshotBytesTests {
        /// The digests of ``SnapshotBytesScenario`` as the snapshot code before its rewrite for
        /// speed (main at f6d5846, dictionaries and one array per field) produced them. The
        /// rewrite must put the same bytes on the wire and decode the same states.
        static let recordedDigests: [UInt64] = [
            0x0606_719b_857e_b31f, 0x8a2a_6a94_f1b2_46f6, 0x54f6_2f83_c4bd_6f21,
            0x6877_8d9e_c84a_f7f8, 0x4ee0_d228_f528_e168, 0x77a3_eab8_8f4f_1ff6,
        ]

        @Test func snapshotsAreByteForByteThoseOfTheRecordedRun() throws {
            #expect(try SnapshotBytesScenario.digests() == Self.recordedDigests)
        }

        /// The budget is spent by counting bits without writing them; the count must be what
        /// is then written, or a full snapshot could pass the 1,200-byte cap.
        @Test func updateAndSpawnCostsAreTheBitsWritten() throws {
            var random = DeterministicRandom(seed: 31)
            func unit() -> SceneUnit {
                SceneUnit(
                    x: Float(random.nextUnitInterval() * 2047), y: Float(random.nextUnitInterval() * 2047),
                    heading: Float(random.nextUnitInterval() * 6), health: UInt8(random.next() % 101))
            }
            func nearby(_ state: SceneUnit) -> SceneUnit {
                var moved = state
                moved.x = min(max(state.x + Float(random.nextUnitInterval() * 40 - 20), 0), 2047)
                if random.chance(0.5) { moved.health = UInt8(random.next() % 101) }
                return moved
            }
            for _ in 0..<500 {
                let old = unit()
                let new = random.chance(0.5) ? nearby(old) : unit()
                let kind = EntityKind(UInt16(random.next() % 65_536))
                let owner = ParticipantID(UInt16(random.next() % 300))
                let oldRecord = EntityRecord(
                    kind: kind, owner: owner, fields: try StateFields.encode(old, limits: .default))
                let newRecord = EntityRecord(
                    kind: kind, owner: owner, fields: try StateFields.encode(new, limits: .default))

                var update = BitWriter()
                update.writeBool(true)
                SnapshotCodec.writeUpdate(newRecord, against: oldRecord, to: &update)
                #expect(SnapshotCodec.updateCost(newRecord, against: oldRecord) == update.bitCount)

                let id = EntityID(UInt32(truncatingIfNeeded: random.next() >> UInt64(random.next() % 64)))
                var spawn = BitWriter()
                SnapshotCodec.writeSpawn(newRecord, gap: id.value, to: &spawn)
                #expect(SnapshotCodec.spawnCost(id, newRecord) == spawn.bitCount)
            }
        }
    }
}
