extension World {
    /// Each creep walks straight at the nearest living player; a creep touching a player who
    /// is not invulnerable takes a life from them and dies.
    mutating func updateCreeps(events: inout [GameEvent]) {
        for index in creeps.indices {
            guard let target = nearestLivingPlayer(toX: creeps[index].x, y: creeps[index].y) else { continue }
            let dx = target.x - creeps[index].x
            let dy = target.y - creeps[index].y
            let distance = (dx * dx + dy * dy).squareRoot()
            guard distance > 0 else { continue }
            let travel = min(creeps[index].speed, distance) / distance
            creeps[index].x += dx * travel
            creeps[index].y += dy * travel
        }

        let reach = SkirmishRules.creepRadius + SkirmishRules.playerRadius
        var remaining: [Creep] = []
        remaining.reserveCapacity(creeps.count)
        for creep in creeps {
            let bitten = seats.firstIndex { seat in
                guard let player = seat, player.isAlive, player.invulnerableTicks == 0 else { return false }
                let dx = player.x - creep.x
                let dy = player.y - creep.y
                return dx * dx + dy * dy < reach * reach
            }
            guard let bitten, var player = seats[bitten] else {
                remaining.append(creep)
                continue
            }
            player.lives -= 1
            player.invulnerableTicks = SkirmishRules.invulnerabilityTicks
            seats[bitten] = player
            events.append(.playerHit(player.id, livesLeft: player.lives))
        }
        creeps = remaining
    }

    /// The living player closest to a point (ties go to the lower seat), or `nil` if none.
    func nearestLivingPlayer(toX x: Float, y: Float) -> Player? {
        var best: (player: Player, distanceSquared: Float)?
        for case let player? in seats where player.isAlive {
            let dx = player.x - x
            let dy = player.y - y
            let distanceSquared = dx * dx + dy * dy
            if let current = best, current.distanceSquared <= distanceSquared { continue }
            best = (player, distanceSquared)
        }
        return best?.player
    }
}
