import Netplay
import SkirmishCore

extension ClientSession {
    /// What the client draws: others interpolated at the world's render tick, its own player
    /// predicted, bullets flown to the same render tick.
    func frame() -> FrameView {
        var view = FrameView()
        view.localPlayer = localPlayer
        view.wave = Int(match.status.wave)
        view.phase = match.status.phase
        view.notice = notice
        view.ended = ended
        view.host = hostPlayer
        if hostIsSilent { view.reconnecting = [hostPlayer] }
        view.tick = UInt32(clamping: replicas.predictedTick ?? replicas.newestTick ?? 0)
        // After a change of host the world keeps its last picture until the new host's first
        // snapshot: it is drawn where it stood, bullets held at the same moment.
        if let render = replicas.renderTick ?? (replicas.entities.isEmpty ? nil : lastView.renderTick) {
            view.renderTick = render
            if replicas.renderTick != nil {
                audit.recordRemote(render: render, entities: replicas.entities.filter { !$0.isMine })
            }
            for entity in replicas.entities {
                switch entity.state.kind {
                case .creep:
                    creepIDs.saw(entity.state.id)
                    view.creeps.append(CreepView(id: entity.state.id, x: entity.state.x, y: entity.state.y))
                case .player:
                    // The player who hosted left with the old host's game.
                    if replicas.renderTick == nil, formerHosts.contains(PlayerID(entity.state.id)) { continue }
                    view.players.append(playerView(entity.state, isLocal: entity.isMine))
                    if entity.isMine, let tick = replicas.predictedTick {
                        audit.recordOwn(tick: tick, unit: entity.state)
                    }
                }
            }
            view.bullets = bullets.advance(to: render, creeps: view.creeps)
        }
        view.players.sort { $0.slot < $1.slot }
        view.network = NetworkOverlay(players: lastView.players.count, net.statistics.map { [$0] } ?? [])
        return view
    }

    private func playerView(_ unit: ReplicatedUnit, isLocal: Bool) -> PlayerView {
        PlayerView(
            id: PlayerID(unit.id), slot: Int(unit.slot), x: unit.x, y: unit.y, facing: unit.facing,
            lives: Int(unit.lives), score: Int(unit.score), isInvulnerable: unit.invulnerableTicks > 0, isLocal: isLocal
        )
    }

    /// The bot's input for the client's player, from what this client sees.
    func botInput() -> PlayerInput {
        guard let world = BotWorld.make(from: lastView) else { return .idle }
        return Bot(playerID: localPlayer).input(in: world)
    }
}
