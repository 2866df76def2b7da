extension World {
    /// Adds a bullet another peer fired, simulated from its event.
    ///
    /// A late event is fast-forwarded: the bullet appears where it would be at ``tick`` had
    /// the event arrived on time (`origin + velocity × (tick − fired tick)`), and collides from
    /// the next step on (creeps it would have met on the ticks it missed are not searched, as
    /// their past positions are gone). An event stamped ahead of ``tick`` waits for its tick.
    /// Events are checked, not trusted: see ``BulletApplyOutcome``.
    @discardableResult
    public mutating func apply(bulletFired event: BulletFired) -> BulletApplyOutcome {
        guard phase == .playing else { return .rejected(.notPlaying) }
        guard player(event.shooter) != nil else { return .rejected(.unknownShooter) }
        let speedSquared = event.velocityX * event.velocityX + event.velocityY * event.velocityY
        let speedLimit = SkirmishRules.bulletSpeed + Self.bulletSpeedTolerance
        guard speedSquared <= speedLimit * speedLimit else { return .rejected(.tooFast) }
        let age = event.age(at: tick)
        guard age >= -SkirmishRules.maxBulletLeadTicks else { return .rejected(.tooFarAhead) }
        guard age < SkirmishRules.bulletLifetimeTicks else { return .expired }
        guard !recentBulletIDs.contains(event.id) else { return .duplicate }
        launch(event)
        return .added
    }

    /// Quantizing each velocity component to 1/256 can lengthen the vector by up to
    /// √2/512 units per tick; anything beyond that was not fired by these rules.
    static let bulletSpeedTolerance: Float = 1.0 / 256

    /// Puts a bullet in flight, keeping ``flights`` sorted so every peer resolves hits in the
    /// same order whatever order the events came in.
    mutating func launch(_ fired: BulletFired) {
        recentBulletIDs.insert(fired.id)
        let bullet = Bullet(fired: fired, at: tick)
        let index = flights.firstIndex { $0.id > bullet.id } ?? flights.endIndex
        flights.insert(bullet, at: index)
    }

    /// Moves every bullet to its position at ``tick``; a bullet that met a creep on the way
    /// from its last position kills it and is spent, one that flew its lifetime or left the
    /// arena is gone.
    mutating func updateBullets(events: inout [GameEvent]) {
        var remaining: [Bullet] = []
        remaining.reserveCapacity(flights.count)
        for var bullet in flights {
            let age = bullet.fired.age(at: tick)
            guard age >= 0 else {
                remaining.append(bullet)  // stamped for a later tick
                continue
            }
            guard age < SkirmishRules.bulletLifetimeTicks else { continue }
            let from = bullet.fired.position(at: tick - 1)
            (bullet.x, bullet.y) = bullet.fired.position(at: tick)
            if let victim = firstCreep(sweptFrom: from, to: (bullet.x, bullet.y)) {
                let killed = creeps.remove(at: victim)
                if let shooter = seat(of: bullet.fired.shooter) {
                    seats[shooter]?.score += SkirmishRules.scorePerCreep
                }
                events.append(.creepKilled(creep: killed.id, by: bullet.fired.shooter))
                continue
            }
            guard bullet.x >= 0, bullet.x <= SkirmishRules.arenaWidth,
                bullet.y >= 0, bullet.y <= SkirmishRules.arenaHeight
            else { continue }
            remaining.append(bullet)
        }
        flights = remaining
    }

    /// The index of the creep a bullet moving from `from` to `to` this tick touches first,
    /// measured along the path (the segment, not just its end, so a bullet cannot skip
    /// through a creep between two ticks).
    private func firstCreep(sweptFrom from: (x: Float, y: Float), to: (x: Float, y: Float)) -> Int? {
        let reach = SkirmishRules.creepRadius + SkirmishRules.bulletRadius
        let dx = to.x - from.x
        let dy = to.y - from.y
        let lengthSquared = dx * dx + dy * dy
        var best: (index: Int, along: Float)?
        for (index, creep) in creeps.enumerated() {
            let along =
                lengthSquared > 0
                ? clamp(((creep.x - from.x) * dx + (creep.y - from.y) * dy) / lengthSquared, 0, 1)
                : 0
            let nearestX = from.x + dx * along - creep.x
            let nearestY = from.y + dy * along - creep.y
            guard nearestX * nearestX + nearestY * nearestY <= reach * reach else { continue }
            if let current = best, current.along <= along { continue }
            best = (index, along)
        }
        return best?.index
    }

    /// Drops ids of bullets past their lifetime: their events are rejected as expired anyway,
    /// and this keeps the set as small as the bullets in the air.
    mutating func forgetExpiredBulletIDs() {
        recentBulletIDs = recentBulletIDs.filter {
            Int(tick) - Int($0.tick) < SkirmishRules.bulletLifetimeTicks
        }
    }
}
