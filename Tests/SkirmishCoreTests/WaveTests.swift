import Testing

@testable import SkirmishCore

@Suite struct WaveTests {
    @Test func laterWavesBringMoreAndFasterCreeps() {
        for wave in 1..<20 {
            #expect(SkirmishRules.creepCount(inWave: wave + 1) >= SkirmishRules.creepCount(inWave: wave))
            #expect(SkirmishRules.creepSpeed(inWave: wave + 1) >= SkirmishRules.creepSpeed(inWave: wave))
            #expect(SkirmishRules.creepGroupSize(inWave: wave + 1) >= SkirmishRules.creepGroupSize(inWave: wave))
        }
        #expect(SkirmishRules.creepCount(inWave: 2) > SkirmishRules.creepCount(inWave: 1))
        #expect(SkirmishRules.creepSpeed(inWave: 2) > SkirmishRules.creepSpeed(inWave: 1))
        #expect(SkirmishRules.creepGroupSize(inWave: 1) == 1)
        // Escalation stops at the caps, so a long game stays bounded in cost.
        #expect(SkirmishRules.creepCount(inWave: 1000) == SkirmishRules.maxCreepsPerWave)
        #expect(SkirmishRules.creepSpeed(inWave: 1000) == SkirmishRules.maxCreepSpeed)
        #expect(SkirmishRules.creepGroupSize(inWave: 1000) == SkirmishRules.maxCreepsPerGroup)
    }

    @Test func firstWaveStartsAfterTheDelayAndSpawnsAtTheEdges() {
        var world = World(seed: 3)
        world.addPlayer(alice)
        #expect(world.run(SkirmishRules.firstWaveDelayTicks - 1).isEmpty)
        #expect(world.run(1) == [.waveStarted(wave: 1, creeps: SkirmishRules.firstWaveCreeps)])
        world.run(SkirmishRules.creepSpawnIntervalTicks * SkirmishRules.firstWaveCreeps)
        #expect(world.creeps.count == SkirmishRules.firstWaveCreeps)
        let base = SkirmishRules.creepSpeed(inWave: 1)
        let jitter = base * SkirmishRules.creepSpeedJitter + 1.0 / 64
        #expect(world.creeps.allSatisfy { abs($0.speed - base) <= jitter })
    }

    @Test func clearingAWaveStartsABiggerFasterOne() {
        var world = World(seed: 5)
        world.addPlayer(alice)
        var started: [Int] = []
        // Kill every creep as soon as it appears, by hand, and watch the waves come.
        for _ in 0..<3000 where started.count < 3 {
            for event in world.step(inputs: [:]) {
                if case .waveStarted(let wave, let creeps) = event {
                    #expect(creeps == SkirmishRules.creepCount(inWave: wave))
                    started.append(wave)
                }
            }
            if let newest = world.creeps.last {
                #expect(
                    abs(newest.speed - SkirmishRules.creepSpeed(inWave: world.wave)) <= SkirmishRules.creepSpeed(
                        inWave: world.wave) * SkirmishRules.creepSpeedJitter + 1.0 / 64)
            }
            world.creeps = []
        }
        #expect(started == [1, 2, 3])
    }

    @Test func creepsDoNotAppearNextToAPlayerAtTheEdge() {
        var world = World(seed: 11)
        world.addPlayer(alice)
        world.place(alice, x: 800, y: SkirmishRules.playerRadius)  // hugging the top edge
        world.run(SkirmishRules.firstWaveDelayTicks + 1)
        for _ in 0..<40 {
            world.run(SkirmishRules.creepSpawnIntervalTicks)
            guard let newest = world.creeps.last else { continue }
            let dx = newest.x - 800
            let dy = newest.y - SkirmishRules.playerRadius
            // Only the bounded retry may give up; with four tries on this edge it almost never does.
            #expect(dx * dx + dy * dy >= 100 * 100)
            world.creeps = []
        }
    }
}
