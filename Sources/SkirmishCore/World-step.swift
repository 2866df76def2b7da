extension World {
    /// Advances the world one tick with each player's input (a missing input means no keys
    /// held) and returns what happened, in the order it happened.
    ///
    /// Within a tick: players move and shoot, bullets fly and kill, creeps chase and bite,
    /// waves advance, positions are rounded to their wire formats, and finally the game is
    /// over if no player has a life left.
    public mutating func step(inputs: [PlayerID: PlayerInput]) -> [GameEvent] {
        tick += 1
        var events: [GameEvent] = []
        switch phase {
        case .waitingForPlayers:
            break
        case .gameOver(let since):
            let held = Int(tick) - Int(since) >= SkirmishRules.gameOverHoldTicks
            if held, players.contains(where: { inputs[$0.id]?.shoot == true }) {
                restart()
                events.append(.restarted)
            }
        case .playing:
            updatePlayers(inputs: inputs, events: &events)
            updateBullets(events: &events)
            updateCreeps(events: &events)
            updateWaves(events: &events)
            snapToWireGrid()
            let present = players
            if !present.isEmpty, present.allSatisfy(\.isOut) {
                phase = .gameOver(since: tick)
                events.append(.gameOver(wave: wave))
            }
        }
        forgetExpiredBulletIDs()
        return events
    }

    private mutating func updatePlayers(inputs: [PlayerID: PlayerInput], events: inout [GameEvent]) {
        for index in seats.indices {
            guard var player = seats[index], player.isAlive else { continue }
            let input = inputs[player.id] ?? .idle
            player.invulnerableTicks = max(player.invulnerableTicks - 1, 0)
            player.fireCooldownTicks = max(player.fireCooldownTicks - 1, 0)

            let stepX = input.stepX
            let stepY = input.stepY
            (player.x, player.y) = PlayerMovement.position(x: player.x, y: player.y, input: input)

            if let aim = input.aim {
                player.facing = aim
            } else if stepX != 0 || stepY != 0 {
                player.facing = Float(DeterministicMath.atan2(Double(stepY), Double(stepX)))
            }

            if input.shoot, player.fireCooldownTicks == 0 {
                player.fireCooldownTicks = SkirmishRules.fireCooldownTicks
                let fired = shot(by: player)
                launch(fired)
                events.append(.bulletFired(fired))
            }
            seats[index] = player
        }
    }

    private func shot(by player: Player) -> BulletFired {
        let direction = DeterministicMath.sinCos(Double(player.facing))
        return BulletFired(
            shooter: player.id, tick: tick, originX: player.x, originY: player.y,
            velocityX: Float(direction.cos) * SkirmishRules.bulletSpeed,
            velocityY: Float(direction.sin) * SkirmishRules.bulletSpeed
        )
    }
}

/// `value` limited to `low…high`.
func clamp(_ value: Float, _ low: Float, _ high: Float) -> Float {
    min(max(value, low), high)
}
