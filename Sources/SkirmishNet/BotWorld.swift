import Foundation
import SkirmishCore

/// A `World` holding what a client sees, so the same `Bot` that plays on the host can play
/// on a client.
///
/// `World`, `Player` and `Creep` keep their initialisers inside SkirmishCore (only the
/// simulation makes them), but `WorldState` is `Codable` and `World.adopt(_:)` is public: so
/// the client writes what it sees in `WorldState`'s shape and adopts it. Only what a bot
/// reads matters (its player, the creeps, the phase); the rest is neutral.
enum BotWorld {
    private struct PlayerShape: Encodable {
        var id: PlayerID
        var slot: Int
        var x: Float
        var y: Float
        var facing: Float
        var lives: Int
        var score: Int
        var invulnerableTicks: Int
        var fireCooldownTicks: Int
    }

    private struct CreepShape: Encodable {
        var id: UInt32
        var x: Float
        var y: Float
        var speed: Float
    }

    private struct StateShape: Encodable {
        var tick: UInt32
        var phase: GamePhase
        var wave: Int
        var players: [PlayerShape]
        var creeps: [CreepShape]
        var bullets: [BulletFired] = []
        var recentBullets: [BulletID] = []
        var creepsToSpawn = 0
        var spawnCountdown = 0
        var waveCountdown = 0
        var nextCreepID: UInt32
        var randomState: UInt64 = 0
    }

    /// The world `view` shows, or `nil` if it does not fit the rules (then the bot idles).
    static func make(from view: FrameView) -> World? {
        let players = view.players.map {
            PlayerShape(
                id: $0.id, slot: $0.slot, x: $0.x, y: $0.y, facing: $0.facing, lives: $0.lives, score: $0.score,
                invulnerableTicks: 0, fireCooldownTicks: 0)
        }
        let creeps = view.creeps.prefix(SkirmishRules.maxCreepsPerWave).map {
            CreepShape(id: $0.id, x: $0.x, y: $0.y, speed: 0)
        }
        let shape = StateShape(
            tick: view.tick, phase: view.phase, wave: view.wave, players: players, creeps: Array(creeps),
            nextCreepID: (creeps.map(\.id).max() ?? 0) + 1)
        guard let data = try? JSONEncoder().encode(shape),
            let state = try? JSONDecoder().decode(WorldState.self, from: data)
        else { return nil }
        var world = World(seed: 0)
        guard (try? world.adopt(state)) != nil else { return nil }
        return world
    }
}
