import Netplay
import SkirmishCore

extension HostSession {
    /// Mirrors the world's players and creeps into the replicated entities: spawns the new,
    /// updates the living, despawns the gone. Entity ids are never reused, so a client never
    /// mistakes a new creep for an old one.
    func syncEntities() {
        // Errors here mean the state cannot be split into fields (a programming error the
        // first spawn in any test shows) or an entity already despawned with its leaving
        // owner: skipping it is right at run time.
        for player in world.players {
            let unit = ReplicatedUnit(player: player)
            if let entity = playerEntities[player.id] {
                try? replicas.set(entity, to: unit)
            } else if player.id == localPlayer {
                playerEntities[player.id] = try? replicas.spawn(unit)
            }
        }
        var seen: Set<UInt32> = []
        for creep in world.creeps {
            seen.insert(creep.id)
            if let entity = creepEntities[creep.id] {
                try? replicas.set(entity, to: ReplicatedUnit(creep: creep))
            } else {
                creepEntities[creep.id] = try? replicas.spawn(ReplicatedUnit(creep: creep))
            }
        }
        for (id, entity) in creepEntities where !seen.contains(id) {
            try? replicas.despawn(entity)
            creepEntities[id] = nil
        }
    }

    /// What the host draws: its own world, exactly.
    func frame() -> FrameView {
        var view = FrameView()
        view.tick = world.tick
        view.isHost = true
        view.localPlayer = localPlayer
        view.host = localPlayer
        view.players = world.players.map {
            PlayerView(
                id: $0.id, slot: $0.slot, x: $0.x, y: $0.y, facing: $0.facing, lives: $0.lives,
                score: $0.score, isInvulnerable: $0.invulnerableTicks > 0, isLocal: $0.id == localPlayer)
        }
        view.creeps = world.creeps.map { CreepView(id: $0.id, x: $0.x, y: $0.y) }
        view.bullets = world.bullets.map { BulletView(shooter: $0.fired.shooter, x: $0.x, y: $0.y) }
        view.wave = world.wave
        view.phase = world.phase
        view.network = NetworkOverlay(players: world.players.count, net.peers.compactMap { net.statistics(for: $0) })
        view.notice = notice
        view.ended = ended
        view.reconnecting = silentPlayers.sorted { $0.rawValue < $1.rawValue }
        return view
    }

    /// The bot's input for the host's player: the bot reads the real world.
    func botInput() -> PlayerInput {
        Bot(playerID: localPlayer).input(in: world)
    }
}
