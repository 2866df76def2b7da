import NetplayBase
import NetplayReplication
import NetplayWire

/// One host and the scene's players as clients, exchanging real datagrams over a simulated
/// network, with byte counters. Bullet events ride a reliable stream simulated here by
/// resending each batch until the harness sees it arrive (the channels layer will do this
/// with acks; the bytes resent are counted).
package struct BenchmarkRun {
    package let configuration = ReplicationConfiguration()
    package var network: MemoryNetwork
    package var host = ReplicationHost<SceneUnit, SceneMove>()
    package var clients: [ReplicationClient<SceneUnit, SceneMove>] = []
    package var sockets: [MemorySocket] = []
    var hostSocket: MemorySocket
    var simulation: SceneSimulation
    package var players: [EntityID] = []
    package var creeps: [EntityID] = []
    package var moves: DeterministicRandom
    var pendingEvents: [[PendingBatch]]
    var nextBatch: UInt32 = 0

    var snapshotBytes = 0, eventBytes = 0, upstreamBytes = 0, fullSnapshotBytes = 0, jsonBytes = 0
    /// Host CPU time in the replication layer: state coding (`setState`) and snapshot building.
    var hostTime = Duration.zero
    /// Client CPU time applying snapshots.
    var clientTime = Duration.zero
    /// Entities in the world summed over every snapshot sent, and over every one received:
    /// the divisors of the host's and the clients' CPU figures.
    var entitySnapshots = 0, receivedEntitySnapshots = 0
    let clock = ContinuousClock()

    package struct PendingBatch {
        package var sequence: UInt32
        package var bytes: [UInt8]
        package var lastSent: NetInstant
    }

    /// Datagram tags, counted in the figures as a channel header would be.
    static let snapshotTag: UInt8 = 1
    static let eventTag: UInt8 = 2
    /// Resend an undelivered event batch after this long (about one round trip).
    static let resendInterval = Duration.milliseconds(200)
    /// The newcomer sends JSON every rendered frame: twice per 30 Hz tick at 60 fps.
    static let jsonFramesPerTick = 2

    package init(seed: UInt64, impairment: LinkImpairment) throws {
        network = MemoryNetwork(seed: seed, defaultImpairment: impairment)
        hostSocket = try network.bind(.memory(node: 1, port: 7777))
        simulation = SceneSimulation(tickRate: configuration.tickRate, seed: seed)
        moves = DeterministicRandom(seed: seed &+ 1)
        pendingEvents = Array(repeating: [], count: Scene.playerCount)
        for index in 0..<Scene.playerCount {
            let id = ParticipantID(UInt16(index + 1))
            host.addClient(id)
            clients.append(ReplicationClient(id: id, configuration: configuration))
            sockets.append(try network.bind(.memory(node: UInt64(index + 2), port: 50_000)))
            players.append(try host.spawn(kind: Scene.playerKind, owner: id, state: SceneUnit(x: 1024, y: 1024)))
        }
        for creep in simulation.creeps {
            creeps.append(try host.spawn(kind: Scene.creepKind, owner: .host, state: creep.unit))
        }
    }

    package mutating func step() throws {
        let tickRate = configuration.tickRate
        network.advance(to: tickRate.instant(of: host.tick.advanced(by: 1)))
        let now = network.now
        for datagram in network.receive(on: hostSocket) {
            guard let index = sockets.firstIndex(where: { $0.address == datagram.from }) else { continue }
            try? host.receive(datagram.bytes, from: clients[index].id, now: now)
        }
        host.advanceTick()
        var shooters: [SceneUnit] = []
        var moved: [(EntityID, SceneUnit)] = []
        for (index, player) in players.enumerated() {
            guard var unit = host.entity(player)?.state else { continue }
            if let move = host.input(of: clients[index].id, at: host.tick) {
                unit = SceneMove.step(unit, move, tickRate: tickRate)
                moved.append((player, unit))
            }
            shooters.append(unit)
        }
        let fired = simulation.step(at: host.tick, shooters: shooters)
        for (index, creep) in simulation.creeps.enumerated() { moved.append((creeps[index], creep.unit)) }
        // Only the replication calls are timed, in one span per tick: the simulation, the
        // simulated network and the naive approaches' figures are not the layer's cost.
        let start = clock.now
        for (id, unit) in moved { try host.setState(unit, of: id) }
        hostTime += clock.now - start
        try sendToClients(fired: fired, now: now)
        measureNaiveApproaches()
        try clientsStep(now: now)
    }

    private mutating func sendToClients(fired: [TickedEvent<BulletFired>], now: NetInstant) throws {
        let batch = fired.isEmpty ? nil : try EventBatch.encode(fired)
        for index in clients.indices {
            let start = clock.now
            let body = try host.makeSnapshot(for: clients[index].id, now: now)
            hostTime += clock.now - start
            entitySnapshots += host.table.count
            let snapshot = [Self.snapshotTag] + body
            snapshotBytes += snapshot.count
            network.send(from: hostSocket.address, to: sockets[index].address, bytes: snapshot)
            if let batch {
                let pending = PendingBatch(sequence: nextBatch, bytes: batch, lastSent: now)
                pendingEvents[index].append(pending)
                sendEvents(pending, to: index)
            }
            for pending in pendingEvents[index].indices
            where now - pendingEvents[index][pending].lastSent >= Self.resendInterval {
                pendingEvents[index][pending].lastSent = now
                sendEvents(pendingEvents[index][pending], to: index)
            }
        }
        if batch != nil { nextBatch &+= 1 }
    }

    private mutating func sendEvents(_ pending: PendingBatch, to index: Int) {
        var writer = BitWriter()
        writer.writeBits(UInt64(Self.eventTag), count: 8)
        writer.writeVarUInt(UInt64(pending.sequence))
        writer.writeRawBytes(pending.bytes)
        let bytes = writer.finish()
        eventBytes += bytes.count
        network.send(from: hostSocket.address, to: sockets[index].address, bytes: bytes)
    }

    private mutating func clientsStep(now: NetInstant) throws {
        for index in clients.indices {
            for datagram in network.receive(on: sockets[index]) {
                guard let tag = datagram.bytes.first else { continue }
                if tag == Self.snapshotTag {
                    let body = Array(datagram.bytes.dropFirst())
                    let start = clock.now
                    try? clients[index].receiveSnapshot(body, now: now)
                    clientTime += clock.now - start
                    receivedEntitySnapshots += host.table.count
                } else {
                    var reader = BitReader(Array(datagram.bytes.dropFirst()))
                    if let sequence = try? reader.readVarUInt() {
                        pendingEvents[index].removeAll { UInt64($0.sequence) == sequence }
                    }
                }
            }
            let tick = clients[index].clock.inputTick(at: now) ?? host.tick
            if moves.chance(0.1) || tick.value % 30 == 0 {
                clients[index].recordInput(
                    SceneMove(
                        dx: Int8(truncatingIfNeeded: moves.next(upperBound: UInt64(3))) - 1,
                        dy: Int8(truncatingIfNeeded: moves.next(upperBound: UInt64(3))) - 1), at: tick)
            } else {
                clients[index].recordInput(SceneMove(dx: 1, dy: 0), at: tick)
            }
            let packet = try clients[index].makePacket(now: now)
            upstreamBytes += packet.count
            network.send(from: sockets[index].address, to: hostSocket.address, bytes: packet)
        }
    }

    /// What the two naive approaches would send this tick (the same to every client).
    private mutating func measureNaiveApproaches() {
        var spawns: [ViewedEntity] = []
        var positions: [(id: UInt32, x: Float, y: Float)] = []
        for (index, entity) in host.allEntities.enumerated() {
            spawns.append(ViewedEntity(id: entity.id, record: host.table.records[index]))
            positions.append((entity.id.value, entity.state.x, entity.state.y))
        }
        let bulletIDBase = UInt32(1_000_000)
        for (index, bullet) in simulation.bullets.enumerated() {
            let unit = SceneUnit(x: bullet.x, y: bullet.y)
            if let fields = try? StateFields.encode(unit, limits: .default) {
                let id = EntityID(bulletIDBase + UInt32(index))
                spawns.append(
                    ViewedEntity(id: id, record: EntityRecord(kind: EntityKind(3), owner: .host, fields: fields)))
            }
            positions.append((bulletIDBase + UInt32(index), bullet.x, bullet.y))
        }
        var writer = BitWriter()
        SnapshotCodec.writeHeader(SnapshotHeader(tick: host.tick, baseline: nil, echo: nil), to: &writer)
        SnapshotCodec.writeFullBody(spawns: spawns, to: &writer)
        fullSnapshotBytes += writer.finish().count
        jsonBytes += Self.jsonFramesPerTick * NewcomerJSON.byteCount(of: positions)
    }
}
