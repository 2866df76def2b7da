import Testing

@testable import SkirmishCore

@Suite struct WorldStateTests {
    private func botInputs(_ world: World) -> [PlayerID: PlayerInput] {
        [alice: Bot(playerID: alice).input(in: world), bob: Bot(playerID: bob).input(in: world)]
    }

    @Test func adoptedSnapshotIsTheHostsWorldAndStaysIt() throws {
        var host = World(seed: 77)
        host.addPlayer(alice)
        host.addPlayer(bob)
        for _ in 0..<700 { _ = host.step(inputs: botInputs(host)) }
        #expect(!host.creeps.isEmpty && !host.bullets.isEmpty)

        var client = World(seed: 1)  // a different seed: the snapshot carries the random state
        try client.adopt(try throughTheWire(host.state))
        #expect(client.stateHash == host.stateHash)
        for _ in 0..<700 {
            let inputs = botInputs(host)
            #expect(host.step(inputs: inputs) == client.step(inputs: inputs))
        }
        #expect(client.stateHash == host.stateHash)
    }

    @Test func snapshotThatBreaksTheRulesIsRefusedAndChangesNothing() {
        var world = World.quiet(players: [alice, bob])
        world.waveCountdown = SkirmishRules.firstWaveDelayTicks  // the quiet fixture's is out of range
        world.run(10)
        let before = world.stateHash

        var twoInOneSeat = world.state
        twoInOneSeat.players[1].slot = twoInOneSeat.players[0].slot
        #expect(throws: WorldStateError.invalidSeating) { try world.adopt(twoInOneSeat) }

        var extraLives = world.state
        extraLives.players[0].lives = 99
        #expect(throws: WorldStateError.valueOutOfRange) { try world.adopt(extraLives) }

        // Counters that would overflow (and trap) on the next step.
        var endOfTime = world.state
        endOfTime.tick = .max
        #expect(throws: WorldStateError.valueOutOfRange) { try world.adopt(endOfTime) }
        var lastWave = world.state
        lastWave.wave = .max
        #expect(throws: WorldStateError.valueOutOfRange) { try world.adopt(lastWave) }
        var richest = world.state
        richest.players[0].score = .max
        #expect(throws: WorldStateError.valueOutOfRange) { try world.adopt(richest) }

        var horde = world.state
        horde.nextCreepID = 10_000
        horde.creeps = (1...UInt32(SkirmishRules.maxCreepsPerWave + 1)).map { Creep(id: $0, x: 1, y: 1, speed: 1) }
        #expect(throws: WorldStateError.invalidCreeps) { try world.adopt(horde) }

        var railgun = world.state
        railgun.bullets = [BulletFired(shooter: alice, tick: 9, originX: 1, originY: 1, velocityX: 31, velocityY: 0)]
        #expect(throws: WorldStateError.invalidBullet) { try world.adopt(railgun) }

        #expect(world.stateHash == before)
    }
}
