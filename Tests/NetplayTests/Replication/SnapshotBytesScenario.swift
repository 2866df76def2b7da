import NetplayBase
import NetplayReplication
import NetplayTesting
import NetplayWire

/// A replication run whose every snapshot byte goes into one 64-bit FNV-1a digest, so that a
/// change of the bytes on the wire (which docs/PROTOCOL.md pins down) cannot pass unseen:
/// entities spawn, change (or keep their state), despawn; snapshots and acks are lost and
/// reordered; budgets from roomy to starved exercise the priorities; and corrupted snapshots
/// must keep failing where they failed.
enum SnapshotBytesScenario {
    /// A state without a generated coder: the `Codable` path, with wide fields.
    struct CodableState: Codable, Sendable, Hashable {
        var count: UInt16
        var name: String
        var bytes: [UInt8]
        var flag: Bool?
    }

    /// A generated state with a field wider than 64 bits.
    @NetMessage
    struct WideState: Hashable {
        var id: UInt32
        var name: String
        var x: Float
        var small: Int8
    }

    /// FNV-1a, 64 bits.
    struct Digest {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ bytes: [UInt8]) {
            for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        mutating func add(_ word: UInt64) {
            for index in 0..<8 { value = (value ^ ((word >> UInt64(index * 8)) & 0xff)) &* 0x100_0000_01b3 }
        }
    }

    static let clients = 2
    static let steps = 240

    /// Runs the scene and returns the digest of every snapshot and of what the clients decoded.
    static func run<State: Codable & Sendable>(
        seed: UInt64, bitsPerSecond: Int, make: (inout DeterministicRandom) -> State,
        digest digestState: (State) -> UInt64
    ) throws -> UInt64 {
        var random = DeterministicRandom(seed: seed)
        var moveReader = BitReader([1, 0])
        let move = try SceneMove(from: &moveReader)
        let configuration = ReplicationConfiguration(bitsPerSecondPerClient: bitsPerSecond)
        var host = ReplicationHost<State, SceneMove>(configuration: configuration)
        var clients: [ReplicationClient<State, SceneMove>] = []
        for index in 0..<Self.clients {
            host.addClient(ParticipantID(UInt16(index + 1)))
            clients.append(ReplicationClient(id: ParticipantID(UInt16(index + 1)), configuration: configuration))
        }
        var alive: [EntityID] = []
        var digest = Digest()
        var downstream = [[([UInt8], Int)]](repeating: [], count: Self.clients)
        var upstream = [[([UInt8], Int)]](repeating: [], count: Self.clients)
        for step in 0..<Self.steps {
            let now = NetInstant(nanoseconds: Int64(step) * 33_333_333)
            if alive.count < 60, random.chance(0.3) || step < 10 {
                for _ in 0..<Int(random.next() % 5) {
                    alive.append(
                        try host.spawn(
                            kind: EntityKind(UInt16(random.next() % 3)),
                            owner: ParticipantID(UInt16(random.next() % 3)),
                            state: make(&random)))
                }
            }
            if !alive.isEmpty, random.chance(0.05) {
                host.despawn(alive.remove(at: Int(random.next() % UInt64(alive.count))))
            }
            for id in alive where random.chance(0.7) { try host.setState(make(&random), of: id) }
            host.advanceTick()
            for index in 0..<Self.clients {
                let participant = ParticipantID(UInt16(index + 1))
                let snapshot = try host.makeSnapshot(for: participant, now: now)
                digest.add(snapshot)
                if random.chance(0.85) { downstream[index].append((snapshot, step + 1 + Int(random.next() % 4))) }
                var due = downstream[index].filter { $0.1 <= step }
                downstream[index].removeAll { $0.1 <= step }
                if due.count > 1 { due.swapAt(0, Int(random.next() % UInt64(due.count))) }
                for (bytes, _) in due {
                    digest.add((try? clients[index].receiveSnapshot(bytes, now: now)) == nil ? 2 : 1)
                }
                if let newest = clients[index].newestTick, let entities = clients[index].entities(at: newest) {
                    for entity in entities {
                        digest.add(UInt64(entity.id.value))
                        digest.add(digestState(entity.state))
                    }
                }
                clients[index].recordInput(move, at: host.tick)
                let packet = try clients[index].makePacket(now: now)
                if random.chance(0.8) { upstream[index].append((packet, step + 1 + Int(random.next() % 3))) }
                for (bytes, _) in upstream[index].filter({ $0.1 <= step }) {
                    try? host.receive(bytes, from: participant, now: now)
                }
                upstream[index].removeAll { $0.1 <= step }
            }
        }
        // Corrupted snapshots: whether each is refused must not change.
        for _ in 0..<300 {
            var bytes = try host.makeSnapshot(for: ParticipantID(1), now: NetInstant.zero)
            bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 << (random.next() % 8))
            if random.chance(0.3), bytes.count > 2 { bytes.removeLast(Int(random.next() % UInt64(bytes.count / 2))) }
            var copy = clients[0]
            digest.add((try? copy.receiveSnapshot(bytes, now: NetInstant.zero)) == nil ? 4 : 3)
        }
        return digest.value
    }

    /// The three states, each under a roomy and a starved budget: the digests, in order.
    static func digests() throws -> [UInt64] {
        let origin = SceneUnit(x: 0, y: 0)
        let corner = SceneUnit(x: 2047, y: 0)
        var results: [UInt64] = []
        for bitsPerSecond in [256_000, 4_000] {
            results.append(
                try run(
                    seed: 7, bitsPerSecond: bitsPerSecond,
                    make: { random in
                        random.chance(0.2)
                            ? SceneUnit(x: 100, y: 100)
                            : SceneUnit(
                                x: Float(random.nextUnitInterval() * 2047), y: Float(random.nextUnitInterval() * 2047),
                                heading: Float(random.nextUnitInterval() * 6), health: UInt8(random.next() % 101))
                    },
                    digest: { $0.distance(to: origin).bitPattern ^ ($0.distance(to: corner).bitPattern &* 31) }))
            results.append(
                try run(
                    seed: 8, bitsPerSecond: bitsPerSecond,
                    make: { random in
                        CodableState(
                            count: UInt16(random.next() % 3000),
                            name: String(repeating: "x", count: Int(random.next() % 20)),
                            bytes: (0..<Int(random.next() % 12)).map { UInt8($0) },
                            flag: random.chance(0.5) ? nil : random.chance(0.5))
                    },
                    digest: { state in
                        var digest = Digest()
                        digest.add(UInt64(state.count))
                        digest.add([UInt8](state.name.utf8))
                        digest.add(state.bytes)
                        digest.add(state.flag.map { $0 ? 1 : 0 } ?? 2)
                        return digest.value
                    }))
            results.append(
                try run(
                    seed: 9, bitsPerSecond: bitsPerSecond,
                    make: { random in
                        WideState(
                            id: UInt32(random.next() % 100_000),
                            name: random.chance(0.5) ? "short" : String(repeating: "y", count: Int(random.next() % 30)),
                            x: Float(random.nextUnitInterval()), small: Int8(truncatingIfNeeded: random.next()))
                    },
                    digest: { state in
                        var digest = Digest()
                        digest.add(UInt64(state.id))
                        digest.add([UInt8](state.name.utf8))
                        digest.add(UInt64(state.x.bitPattern))
                        digest.add(UInt64(UInt8(bitPattern: state.small)))
                        return digest.value
                    }))
        }
        return results
    }
}
