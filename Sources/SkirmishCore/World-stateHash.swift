extension World {
    /// A 64-bit digest of everything that determines the world's future: equal on two peers
    /// (or two runs) exactly when their simulations agree, so a desync shows in one number.
    public var stateHash: UInt64 {
        var hasher = StateHasher()
        hasher.combine(tick)
        switch phase {
        case .waitingForPlayers: hasher.combine(0)
        case .playing: hasher.combine(1)
        case .gameOver(let since):
            hasher.combine(2)
            hasher.combine(since)
        }
        for value in [wave, creepsToSpawn, spawnCountdown, waveCountdown] { hasher.combine(value) }
        hasher.combine(random.state)
        hasher.combine(nextCreepID)
        for seat in seats {
            guard let player = seat else {
                hasher.combine(false)
                continue
            }
            hasher.combine(true)
            hasher.combine(player.id.rawValue)
            for value in [player.x, player.y, player.facing] { hasher.combine(value) }
            for value in [player.lives, player.score, player.invulnerableTicks, player.fireCooldownTicks] {
                hasher.combine(value)
            }
        }
        hasher.combine(creeps.count)
        for creep in creeps {
            hasher.combine(creep.id)
            for value in [creep.x, creep.y, creep.speed] { hasher.combine(value) }
        }
        hasher.combine(flights.count)
        for bullet in flights {
            let fired = bullet.fired
            hasher.combine(fired.shooter.rawValue)
            hasher.combine(fired.tick)
            for value in [fired.originX, fired.originY, fired.velocityX, fired.velocityY, bullet.x, bullet.y] {
                hasher.combine(value)
            }
        }
        // A set's order differs between processes; sort it first.
        let seen = recentBulletIDs.sorted()
        hasher.combine(seen.count)
        for id in seen {
            hasher.combine(id.shooter.rawValue)
            hasher.combine(id.tick)
        }
        return hasher.value
    }
}
