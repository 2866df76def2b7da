import Foundation
import SkirmishCore

/// A `World` written from what a peer knows instead of simulated: what a client sees, for the
/// bot (``BotWorld``), or what a client that takes over as host inherited (``HostSession``).
///
/// `World`, `Player` and `Creep` keep their initialisers inside SkirmishCore (only the
/// simulation makes them), but `WorldState` is `Codable` and `World.adopt(_:)` is public: so
/// the sketch is written in `WorldState`'s shape and adopted, which also checks it plays by
/// the rules.
struct WorldSketch: Encodable {
    struct PlayerShape: Encodable {
        var id: PlayerID
        var slot: Int
        var x: Float
        var y: Float
        var facing: Float
        var lives: Int
        var score: Int
        var invulnerableTicks = 0
        var fireCooldownTicks = 0
    }

    struct CreepShape: Encodable {
        var id: UInt32
        var x: Float
        var y: Float
        var speed: Float
    }

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

    /// The world the sketch describes, or `nil` if it does not fit the rules.
    func world(seed: UInt64 = 0) -> World? {
        guard let data = try? JSONEncoder().encode(self),
            let state = try? JSONDecoder().decode(WorldState.self, from: data)
        else { return nil }
        var world = World(seed: seed)
        guard (try? world.adopt(state)) != nil else { return nil }
        return world
    }
}
