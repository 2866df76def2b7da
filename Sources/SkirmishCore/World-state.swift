import Netplay
import NetplayWire

extension World {
    /// The world as a lossless ``WorldState`` message.
    public var state: WorldState {
        WorldState(
            tick: tick, phase: phase, wave: wave, players: players, creeps: creeps,
            bullets: flights.map(\.fired), recentBullets: recentBulletIDs.sorted(),
            creepsToSpawn: creepsToSpawn, spawnCountdown: spawnCountdown, waveCountdown: waveCountdown,
            nextCreepID: nextCreepID, randomState: random.state
        )
    }

    /// Becomes exactly the world `state` describes (the seed aside, which only chose where the
    /// random stream started), after checking it plays by these rules.
    public mutating func adopt(_ state: WorldState) throws(WorldStateError) {
        var seating: [Player?] = Array(repeating: nil, count: SkirmishRules.maxPlayers)
        for player in state.players {
            guard seating.indices.contains(player.slot), seating[player.slot] == nil,
                !seating.contains(where: { $0?.id == player.id })
            else { throw .invalidSeating }
            guard (0...SkirmishRules.startingLives).contains(player.lives),
                (0...Self.counterLimit).contains(player.score),
                (0...SkirmishRules.invulnerabilityTicks).contains(player.invulnerableTicks),
                (0...SkirmishRules.fireCooldownTicks).contains(player.fireCooldownTicks)
            else { throw .valueOutOfRange }
            seating[player.slot] = player
        }
        guard state.creeps.count <= SkirmishRules.maxCreepsPerWave,
            Set(state.creeps.map(\.id)).count == state.creeps.count,
            state.creeps.allSatisfy({ $0.id < state.nextCreepID })
        else { throw .invalidCreeps }
        guard state.tick <= Self.counterLimit, state.nextCreepID <= Self.counterLimit,
            (0...Self.counterLimit).contains(state.wave),
            (0...SkirmishRules.maxCreepsPerWave).contains(state.creepsToSpawn),
            (0...SkirmishRules.creepSpawnIntervalTicks).contains(state.spawnCountdown),
            (0...max(SkirmishRules.waveIntermissionTicks, SkirmishRules.firstWaveDelayTicks)).contains(
                state.waveCountdown)
        else { throw .valueOutOfRange }
        let speedLimit = SkirmishRules.bulletSpeed + Self.bulletSpeedTolerance
        let recentCap =
            SkirmishRules.maxPlayers * (SkirmishRules.bulletLifetimeTicks + SkirmishRules.maxBulletLeadTicks)
        guard state.bullets.count <= recentCap, state.recentBullets.count <= recentCap,
            state.bullets.allSatisfy({
                $0.velocityX * $0.velocityX + $0.velocityY * $0.velocityY <= speedLimit * speedLimit
            })
        else { throw .invalidBullet }

        tick = state.tick
        phase = state.phase
        wave = state.wave
        seats = seating
        creeps = state.creeps.sorted { $0.id < $1.id }
        flights = state.bullets.map { Bullet(fired: $0, at: state.tick) }.sorted { $0.id < $1.id }
        recentBulletIDs = Set(state.recentBullets).union(state.bullets.map(\.id))
        creepsToSpawn = state.creepsToSpawn
        spawnCountdown = state.spawnCountdown
        waveCountdown = state.waveCountdown
        nextCreepID = state.nextCreepID
        random = SplitMix64(seed: state.randomState)
    }

    /// The largest tick, wave, score or creep id a snapshot may carry: 2^31 is more than any
    /// game reaches (a tick limit of two years at 30 Hz) and leaves the counters ample room
    /// before they could overflow and trap.
    static let counterLimit = 1 << 31

    /// Rounds every replicated position and angle to the grid it crosses the wire on.
    ///
    /// Done each tick on every peer, this costs nothing visible (a sixteenth of a unit) and
    /// buys a lossless ``state``: a client that adopts the host's snapshot simulates on from
    /// the very same numbers instead of drifting from rounding that only it suffered.
    mutating func snapToWireGrid() {
        for index in seats.indices {
            guard var player = seats[index] else { continue }
            player.x = ArenaX.format.snapped(player.x)
            player.y = ArenaY.format.snapped(player.y)
            player.facing = ByteAngle.snapped(player.facing)
            seats[index] = player
        }
        for index in creeps.indices {
            creeps[index].x = ArenaX.format.snapped(creeps[index].x)
            creeps[index].y = ArenaY.format.snapped(creeps[index].y)
        }
    }
}
