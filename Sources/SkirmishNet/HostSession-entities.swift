import Netplay
import NetplayReplication
import SkirmishCore

extension HostSession {
    /// Mirrors the world's players and creeps into the replicated entities: spawns the new,
    /// updates the living, despawns the gone. Entity ids are never reused, so a client never
    /// mistakes a new creep for an old one.
    func syncEntities() {
        var seenPlayers: Set<PlayerID> = []
        for player in world.players {
            seenPlayers.insert(player.id)
            let owner = participants.first { PlayerID($0.key.id.rawValue) == player.id }?.value ?? .host
            upsert(
                ReplicatedUnit(player: player), kind: UnitKind.player, owner: owner, in: \.playerEntities,
                key: player.id)
        }
        for (id, entity) in playerEntities where !seenPlayers.contains(id) {
            replication.despawn(entity)
            playerEntities[id] = nil
        }
        var seenCreeps: Set<UInt32> = []
        for creep in world.creeps {
            seenCreeps.insert(creep.id)
            upsert(ReplicatedUnit(creep: creep), kind: UnitKind.creep, owner: .host, in: \.creepEntities, key: creep.id)
        }
        for (id, entity) in creepEntities where !seenCreeps.contains(id) {
            replication.despawn(entity)
            creepEntities[id] = nil
        }
    }

    private func upsert<Key: Hashable>(
        _ unit: ReplicatedUnit, kind: EntityKind, owner: ParticipantID,
        in table: ReferenceWritableKeyPath<HostSession, [Key: EntityID]>, key: Key
    ) {
        // Errors here mean the state cannot be split into fields: a programming error that
        // the first spawn in any test shows, so skipping the entity is enough at run time.
        if let entity = self[keyPath: table][key] {
            try? replication.setState(unit, of: entity)
        } else if let entity = try? replication.spawn(kind: kind, owner: owner, state: unit) {
            self[keyPath: table][key] = entity
        }
    }

    /// What the host draws: its own world, exactly.
    func frame() -> FrameView {
        var view = FrameView()
        view.tick = world.tick
        view.isHost = true
        view.localPlayer = localPlayer
        view.players = world.players.map {
            PlayerView(
                id: $0.id, slot: $0.slot, x: $0.x, y: $0.y, facing: $0.facing, lives: $0.lives,
                score: $0.score, isInvulnerable: $0.invulnerableTicks > 0, isLocal: $0.id == localPlayer)
        }
        view.creeps = world.creeps.map { CreepView(id: $0.id, x: $0.x, y: $0.y) }
        view.bullets = world.bullets.map { BulletView(shooter: $0.fired.shooter, x: $0.x, y: $0.y) }
        view.wave = world.wave
        view.phase = world.phase
        view.network = overlay()
        view.notice = notice
        view.ended = ended
        return view
    }

    private func overlay() -> NetworkOverlay {
        var overlay = NetworkOverlay()
        overlay.players = participants.count + 1
        overlay.kilobitsSent = traffic.kilobitsSent
        overlay.kilobitsReceived = traffic.kilobitsReceived
        let statistics = participants.keys.compactMap { net.statistics(for: $0) }
        let roundTrips = statistics.map { $0.roundTripTime.secondsDouble * 1000 }.filter { $0 > 0 }
        overlay.roundTripMilliseconds = roundTrips.max()
        overlay.loss = statistics.isEmpty ? nil : statistics.map(\.channels.packetLossSent).max()
        return overlay
    }

    /// The bot's input for the host's player: the bot reads the real world.
    func botInput() -> PlayerInput {
        Bot(playerID: localPlayer).input(in: world)
    }
}
