import Testing

@testable import SkirmishCore

@Suite struct DeterminismTests {
    /// Two bots play; returns the world after `ticks` and every event.
    private func botGame(seed: UInt64, ticks: Int) -> (World, [GameEvent]) {
        var world = World(seed: seed)
        world.addPlayer(alice)
        world.addPlayer(bob)
        let bots = [Bot(playerID: alice), Bot(playerID: bob)]
        var events: [GameEvent] = []
        for _ in 0..<ticks {
            let inputs = Dictionary(uniqueKeysWithValues: bots.map { ($0.playerID, $0.input(in: world)) })
            events += world.step(inputs: inputs)
        }
        return (world, events)
    }

    @Test func sameSeedAndInputsGiveTheSameWorld() {
        let (first, firstEvents) = botGame(seed: 42, ticks: 1500)
        let (second, secondEvents) = botGame(seed: 42, ticks: 1500)
        #expect(first.stateHash == second.stateHash)
        #expect(firstEvents == secondEvents)
    }

    @Test func differentSeedsGiveDifferentWorlds() {
        #expect(botGame(seed: 42, ticks: 300).0.stateHash != botGame(seed: 43, ticks: 300).0.stateHash)
    }

    @Test func hashSeesASmallDifference() {
        var world = World.quiet()
        let before = world.stateHash
        world.place(alice, x: world.player(alice)!.x.nextUp, y: world.player(alice)!.y)
        #expect(world.stateHash != before)
    }

    @Test func twoBotsPlayTenThousandTicksAndTheGameProgresses() {
        let (world, events) = botGame(seed: 2026, ticks: 10_000)
        let kills = events.filter { if case .creepKilled = $0 { true } else { false } }.count
        let waves = events.compactMap { if case .waveStarted(let wave, _) = $0 { wave } else { nil } }
        #expect(world.tick == 10_000)
        #expect(kills > 100)
        #expect((waves.max() ?? 0) >= 5)
        #expect(world.players.contains { $0.score > 0 } || events.contains(.restarted))
        // Every game over is followed by a restart (the bots shoot), unless the run ended first.
        let overs = events.filter { if case .gameOver = $0 { true } else { false } }.count
        let restarts = events.filter { $0 == .restarted }.count
        if case .gameOver = world.phase { #expect(overs == restarts + 1) } else { #expect(overs == restarts) }
        // Entities stay in the arena and within their caps the whole time (checked at the end).
        #expect(world.creeps.count <= SkirmishRules.maxCreepsPerWave)
        #expect(world.bullets.count <= 2 * SkirmishRules.bulletLifetimeTicks / SkirmishRules.fireCooldownTicks + 2)
        for creep in world.creeps {
            #expect(
                (0...SkirmishRules.arenaWidth).contains(creep.x) && (0...SkirmishRules.arenaHeight).contains(creep.y))
        }
    }
}
