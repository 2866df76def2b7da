import Netplay
import SkirmishCore

/// A client that has just taken over as host (`NetEvent.hostChanged` naming itself, with
/// `NetClient.host` set), as its client session saw it.
struct Takeover {
    /// This player's id as a client: the one the others know it by.
    let former: NetPeer
    /// The host this player is now.
    let host: NetHost
    /// The change, as measured so far.
    var handover: SessionReport.Handover
    /// Events polled after the change, for the host session to handle.
    let events: [NetEvent]
}

extension HostSession {
    /// Continues the game of a host that left, on the client that took over: its ``NetWorld``
    /// (a host's now, with the old host's entities, ids and ticks) and a `World` rebuilt from
    /// those entities and what the client knew besides (wave and phase, bullets in flight).
    /// The old host's player leaves with it; the others keep their seats while they rejoin.
    ///
    /// Built when the client sees the event, before any step of the new host's: the world
    /// follows the new host in its first update after the event (the session queues the
    /// change for the world before it reports it) and that first host update runs no step,
    /// its clock starting there.
    convenience init(succeeding client: ClientSession, _ takeover: Takeover) {
        let replicas = client.replicas
        if !replicas.isHost { replicas.update() }
        let tick = UInt32(clamping: replicas.newestTick ?? 0)
        let rebuilt = HostSession.continuedWorld(from: client, tick: tick)
        var fallback = World(seed: UInt64.random(in: 0...UInt64.max))
        fallback.addPlayer(client.localPlayer)
        self.init(
            net: takeover.host, replicas: replicas, localPlayer: client.localPlayer, world: rebuilt ?? fallback,
            notice: rebuilt == nil ? "The host left; you host a new game now." : "The host left; you host now.")
        claimEntities()
        lastStatus = MatchStatus(tick: world.tick, wave: world.wave, phase: world.phase)
        // The others are on their way back.
        silentPlayers = Set(world.players.map(\.id).filter { $0 != localPlayer })
        bulletsFired = client.bullets.added
        pending = takeover.events
        var handover = takeover.handover
        handover.creepsAtTakeover = world.creeps.map { SessionReport.CreepSpot(id: $0.id, x: $0.x, y: $0.y) }
        self.handover = handover
    }

    /// The old host's game as `client` last had it, at `tick`: every player but the one who
    /// hosted, each creep where the world's inherited entity is, moving at its wave's speed
    /// (speeds are not replicated), the wave's creeps still to come, and the shots in flight.
    /// `nil` if that does not fit the rules.
    static func continuedWorld(from client: ClientSession, tick: UInt32) -> World? {
        let status = client.match.status
        let wave = Int(status.wave)
        let speed = SkirmishRules.creepSpeed(inWave: wave)
        var players: [WorldSketch.PlayerShape] = []
        var creeps: [WorldSketch.CreepShape] = []
        var creepIDs = client.creepIDs
        for entity in client.replicas.entities {
            let unit = entity.state
            switch unit.kind {
            case .player:
                let id = PlayerID(unit.id)
                guard id != client.hostPlayer else { continue }
                players.append(
                    WorldSketch.PlayerShape(
                        id: id, slot: Int(unit.slot), x: unit.x, y: unit.y, facing: unit.facing, lives: Int(unit.lives),
                        score: Int(unit.score),
                        invulnerableTicks: min(Int(unit.invulnerableTicks), SkirmishRules.invulnerabilityTicks),
                        fireCooldownTicks: min(Int(unit.fireCooldownTicks), SkirmishRules.fireCooldownTicks)))
            case .creep:
                creepIDs.saw(unit.id)
                creeps.append(WorldSketch.CreepShape(id: unit.id, x: unit.x, y: unit.y, speed: speed))
            }
        }
        let toCome =
            status.phase == .playing && wave > 0
            ? max(SkirmishRules.creepCount(inWave: wave) - creepIDs.spawnedThisWave, 0) : 0
        let shots = client.bullets.inFlight(at: tick)
        let sketch = WorldSketch(
            tick: tick, phase: status.phase, wave: wave, players: players, creeps: creeps, bullets: shots,
            recentBullets: shots.map(\.id), creepsToSpawn: toCome,
            spawnCountdown: toCome > 0 ? SkirmishRules.creepSpawnIntervalTicks : 0, nextCreepID: creepIDs.highest + 1,
            randomState: UInt64.random(in: 0...UInt64.max))
        return sketch.world(seed: sketch.randomState)
    }

    /// Takes the inherited entities as the world's: each player's and creep's keeps its id;
    /// the old host's player (and anything the rebuilt world lacks) is despawned.
    private func claimEntities() {
        let creeps = Set(world.creeps.map(\.id))
        for entity in replicas.entities {
            let unit = entity.state
            switch unit.kind {
            case .player where world.player(PlayerID(unit.id)) != nil:
                playerEntities[PlayerID(unit.id)] = entity.id
            case .creep where creeps.contains(unit.id):
                creepEntities[unit.id] = entity.id
            default:
                try? replicas.despawn(entity.id)
            }
        }
    }
}
