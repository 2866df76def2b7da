import SkirmishCore

/// A `World` holding what a client sees, so the same `Bot` that plays on the host can play
/// on a client. Only what a bot reads matters (its player, the creeps, the phase); the rest
/// is neutral.
enum BotWorld {
    /// The world `view` shows, or `nil` if it does not fit the rules (then the bot idles).
    static func make(from view: FrameView) -> World? {
        let players = view.players.map {
            WorldSketch.PlayerShape(
                id: $0.id, slot: $0.slot, x: $0.x, y: $0.y, facing: $0.facing, lives: $0.lives, score: $0.score)
        }
        let creeps = view.creeps.prefix(SkirmishRules.maxCreepsPerWave).map {
            WorldSketch.CreepShape(id: $0.id, x: $0.x, y: $0.y, speed: 0)
        }
        let sketch = WorldSketch(
            tick: view.tick, phase: view.phase, wave: view.wave, players: players, creeps: Array(creeps),
            nextCreepID: (creeps.map(\.id).max() ?? 0) + 1)
        return sketch.world()
    }
}
