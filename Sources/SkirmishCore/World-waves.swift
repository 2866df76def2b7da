extension World {
    /// Runs the wave cycle: a pause, then the wave's creeps appear in small groups at the edges,
    /// and once the last is dead the next, bigger and faster wave follows another pause.
    mutating func updateWaves(events: inout [GameEvent]) {
        if waveCountdown > 0 {
            waveCountdown -= 1
            if waveCountdown == 0 {
                wave += 1
                creepsToSpawn = SkirmishRules.creepCount(inWave: wave)
                spawnCountdown = 1
                events.append(.waveStarted(wave: wave, creeps: creepsToSpawn))
            }
        } else if creepsToSpawn > 0 {
            spawnCountdown -= 1
            if spawnCountdown <= 0 {
                let group = min(SkirmishRules.creepGroupSize(inWave: wave), creepsToSpawn)
                for _ in 0..<group { spawnCreep() }
                creepsToSpawn -= group
                spawnCountdown = SkirmishRules.creepSpawnIntervalTicks
            }
        } else if creeps.isEmpty {
            waveCountdown = SkirmishRules.waveIntermissionTicks
        }
    }

    /// Tries this many edge points for one far enough from every living player, then takes the
    /// last: a bounded number of draws, and the rare unsafe spawn is still fair thanks to the
    /// players' distance from the edges at the start and their speed advantage.
    private static let spawnAttempts = 4

    private mutating func spawnCreep() {
        var point = randomEdgePoint()
        for _ in 1..<Self.spawnAttempts where isNearLivingPlayer(point) {
            point = randomEdgePoint()
        }
        let jitter = SkirmishRules.creepSpeedJitter * (2 * random.nextUnit() - 1)
        let speed = SkirmishRules.creepSpeed(inWave: wave) * (1 + jitter)
        let creep = Creep(
            id: nextCreepID, x: ArenaX.format.snapped(point.x), y: ArenaY.format.snapped(point.y),
            speed: CreepSpeed.format.snapped(speed)
        )
        creeps.append(creep)
        nextCreepID += 1
    }

    /// A point just inside a random edge of the arena.
    private mutating func randomEdgePoint() -> (x: Float, y: Float) {
        let inset = SkirmishRules.creepRadius
        let width = SkirmishRules.arenaWidth
        let height = SkirmishRules.arenaHeight
        let side = random.next(below: 4)
        let along = random.nextUnit()
        switch side {
        case 0: return (inset + along * (width - 2 * inset), inset)
        case 1: return (inset + along * (width - 2 * inset), height - inset)
        case 2: return (inset, inset + along * (height - 2 * inset))
        default: return (width - inset, inset + along * (height - 2 * inset))
        }
    }

    private func isNearLivingPlayer(_ point: (x: Float, y: Float)) -> Bool {
        guard let nearest = nearestLivingPlayer(toX: point.x, y: point.y) else { return false }
        let dx = nearest.x - point.x
        let dy = nearest.y - point.y
        let safe = SkirmishRules.creepSpawnSafeDistance
        return dx * dx + dy * dy < safe * safe
    }
}
