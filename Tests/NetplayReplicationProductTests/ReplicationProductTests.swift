// Built without package access (`packageAccess: false` in Package.swift) and with a plain
// import: only what the `NetplayReplication` product publishes compiles here, so this is the
// experts' API exactly as a game outside this package sees it.
import NetplayReplication
import Testing

/// A unit of the expert's game: plain `Codable` floats, so every replicated value is exact.
private struct Unit: Codable, Sendable, Equatable, Interpolatable {
    var x: Float
    var y: Float

    func interpolated(to next: Unit, fraction: Double) -> Unit {
        Unit(x: x + (next.x - x) * Float(fraction), y: y + (next.y - y) * Float(fraction))
    }

    func distance(to other: Unit) -> Double { Double(abs(x - other.x) + abs(y - other.y)) }

    static func step(_ unit: Unit, _ move: Move) -> Unit { Unit(x: unit.x + Float(move.dx), y: unit.y) }
}

private struct Move: Codable, Sendable, Equatable {
    var dx: Int8
}

@Suite("NetplayReplication product: the experts' API from outside the package")
struct ReplicationProductTests {
    /// One simulation step at the default 30 Hz.
    private static let tickDuration = Duration.seconds(1) / 30
    /// Each way between host and client: a round trip shorter than one step, so every hop of
    /// a tick happens before the next tick and both clocks only move forward.
    private static let oneWay = Duration.milliseconds(10)
    private static let ticks = 60
    /// The snapshot the test throws away, to show a lost snapshot needs no resend.
    private static let lostSnapshotTick = 20
    /// When a creep is despawned.
    private static let despawnTick = 40

    @Test(
        "A host replicates spawns, moves and a despawn to a client, and takes its inputs, through bytes passed by hand")
    func replicatesThroughBytesPassedByHand() throws {
        var host = ReplicationHost<Unit, Move>()
        let player = ParticipantID(1)
        host.addClient(player)
        var client = ReplicationClient<Unit, Move>(id: player, configuration: host.configuration)

        let mine = try host.spawn(kind: EntityKind(1), owner: player, state: Unit(x: 10, y: 10))
        let creepStart: [Float] = [100, 200, 300]
        let creeps = try creepStart.map { try host.spawn(kind: EntityKind(2), owner: .host, state: Unit(x: $0, y: 50)) }

        let move = Move(dx: 1)
        var inputsApplied = 0
        var predictor: Predictor<Unit, Move>?
        var firstPredictedTick: Tick?
        for step in 1...Self.ticks {
            // The host: creeps walk one unit a step (at tick T a creep stands at start + T), the
            // player's unit takes the input stamped for this step, then a snapshot goes out.
            let hostNow = Self.tickDuration * step
            let next = host.tick.advanced(by: 1)
            for (index, creep) in creeps.enumerated() where host.entity(creep) != nil {
                try host.setState(Unit(x: creepStart[index] + Float(next.value), y: 50), of: creep)
            }
            if let input = host.input(of: player, at: next), let unit = host.entity(mine) {
                try host.setState(Unit.step(unit.state, input), of: mine)
                inputsApplied += 1
            }
            if step == Self.despawnTick { host.despawn(creeps[0]) }
            host.advanceTick()
            let snapshot = try host.makeSnapshot(for: player, now: hostNow)
            #expect(snapshot.count <= ReplicationConfiguration.maxSnapshotBytes)

            // The client: applies the snapshot (one is lost), predicts its own unit up to the
            // step its input will be applied at, and answers with acknowledgement and inputs.
            let clientNow = hostNow + Self.oneWay
            if step != Self.lostSnapshotTick { try client.receiveSnapshot(snapshot, now: clientNow) }
            if let target = client.inputTick(at: clientNow) {
                if predictor == nil, let start = client.latestState(of: mine) {
                    predictor = Predictor(state: start.state, tick: target.advanced(by: -1))
                    firstPredictedTick = target
                }
                if var current = predictor {
                    if let authoritative = client.latestState(of: mine) {
                        current.reconcile(authoritative: authoritative.state, at: authoritative.tick, step: Unit.step)
                    }
                    while current.tick < target {
                        let tick = current.tick.advanced(by: 1)
                        current.predict(move, at: tick, step: Unit.step)
                        client.recordInput(move, at: tick)
                    }
                    predictor = current
                }
            }
            try host.receive(try client.makePacket(now: clientNow), from: player, now: clientNow + Self.oneWay)
        }

        // The client's newest view is the host's world, entity for entity and bit for bit.
        #expect(client.newestTick == host.tick)
        #expect(client.latestEntities == host.allEntities)
        #expect(client.latestEntities.map(\.id) == [mine, creeps[1], creeps[2]])
        #expect(client.latestEntities.first { $0.id == mine }?.owner == player)

        // Its inputs moved its unit on the host, one unit per step they were applied at.
        #expect(inputsApplied > 0)
        #expect(host.entity(mine)?.state == Unit(x: 10 + Float(inputsApplied), y: 10))

        // Its prediction ran ahead of the host and never needed correcting.
        let predicted = try #require(predictor)
        let firstTick = try #require(firstPredictedTick)
        #expect(predicted.tick > host.tick)
        #expect(predicted.largestCorrection == 0)
        #expect(predicted.state == Unit(x: 10 + Float(firstTick.distance(to: predicted.tick) + 1), y: 10))

        // Drawn a little in the past, a creep stands exactly where its step says.
        let clientNow = Self.tickDuration * Self.ticks + Self.oneWay
        let render = try #require(client.renderTick(at: clientNow))
        #expect(render < Double(host.tick.value))
        let drawn = client.interpolatedEntities(at: clientNow)
        let creep = try #require(drawn.first { $0.id == creeps[2] })
        #expect(abs(Double(creep.state.x) - (Double(creepStart[2]) + render)) < 0.001)
        #expect(client.drops == ReplicationDrops(), "nothing was refused")
    }

    @Test("Garbage and strangers are typed errors, counted, never a trap")
    func refusesGarbage() throws {
        var host = ReplicationHost<Unit, Move>()
        var client = ReplicationClient<Unit, Move>(id: ParticipantID(1))
        #expect(throws: ReplicationError.unknownClient(ParticipantID(9))) {
            try host.receive([1, 2, 3], from: ParticipantID(9), now: .zero)
        }
        #expect(host.drops.unknownClient == 1)
        #expect {
            try client.receiveSnapshot([], now: .zero)
        } throws: { error in
            guard case .malformed = error as? ReplicationError else { return false }
            return true
        }
        #expect(client.drops.malformed == 1)
    }
}

@Suite("NetplayReplication product: tick events")
struct TickedEventProductTests {
    private struct Shot: Codable, Sendable, Equatable {
        var x: Float
        var speed: Float
    }

    @Test("A shot sent as a tick event arrives as sent and is caught up to the receiver's tick")
    func eventRoundTrip() throws {
        let shot = TickedEvent(tick: Tick(100), payload: Shot(x: 5, speed: 2))
        let bytes = try EventBatch.encode([shot])
        let received = try EventBatch.decode(Shot.self, from: bytes)
        #expect(received == [shot])
        let caughtUp = try #require(received.first).fastForwarded(shot.payload.x, to: Tick(104)) {
            $0 += shot.payload.speed
        }
        #expect(caughtUp == 13)
    }
}
