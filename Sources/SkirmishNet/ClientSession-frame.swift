import Netplay
import NetplayBase
import SkirmishCore

extension ClientSession {
    /// What the client draws: others interpolated at the jitter buffer's render tick, its own
    /// player predicted, bullets flown to the render tick.
    func frame(instant: NetInstant) -> FrameView {
        var view = FrameView()
        view.localPlayer = localPlayer
        view.wave = Int(match.wave)
        view.phase = match.phase
        view.notice = notice
        view.ended = ended
        view.tick = predictor?.tick.value ?? replication.newestTick?.value ?? 0
        if let render = replication.timeline.renderTick(at: instant) {
            view.renderTick = render
            let drawn = replication.interpolatedEntities(atTick: render)
            let others = drawn.filter { !($0.kind == UnitKind.player && $0.state.id == localPlayer.rawValue) }
            audit.recordRemote(render: render, entities: others)
            for entity in drawn {
                if entity.kind == UnitKind.creep {
                    view.creeps.append(CreepView(id: entity.state.id, x: entity.state.x, y: entity.state.y))
                } else if entity.kind == UnitKind.player {
                    let isMe = entity.state.id == localPlayer.rawValue
                    view.players.append(
                        playerView(isMe ? (predictor?.displayed ?? entity.state) : entity.state, isLocal: isMe))
                }
            }
            view.bullets = bullets.advance(to: render, creeps: view.creeps)
        }
        view.players.sort { $0.slot < $1.slot }
        view.network = overlay()
        return view
    }

    private func playerView(_ unit: ReplicatedUnit, isLocal: Bool) -> PlayerView {
        PlayerView(
            id: PlayerID(unit.id), slot: Int(unit.slot), x: unit.x, y: unit.y, facing: unit.facing,
            lives: Int(unit.lives), score: Int(unit.score), isInvulnerable: unit.invulnerableTicks > 0, isLocal: isLocal
        )
    }

    private func overlay() -> NetworkOverlay {
        var overlay = NetworkOverlay()
        overlay.players = max(lastView.players.count, 1)
        overlay.kilobitsSent = traffic.kilobitsSent
        overlay.kilobitsReceived = traffic.kilobitsReceived
        let statistics = net.statistics
        // The channel layer's smoothed RTT when it measures one; otherwise the replication
        // clock's best round trip (snapshots echo the client's clock).
        if let channel = statistics?.roundTripTime, channel > .zero {
            overlay.roundTripMilliseconds = channel.secondsDouble * 1000
        } else {
            overlay.roundTripMilliseconds = replication.clock.roundTrip.map { $0.secondsDouble * 1000 }
        }
        overlay.loss = statistics.map(\.channels.packetLossSent)
        return overlay
    }

    /// The bot's input for the client's player, from what this client sees.
    func botInput() -> PlayerInput {
        guard let world = BotWorld.make(from: lastView) else { return .idle }
        return Bot(playerID: localPlayer).input(in: world)
    }

    /// Share of snapshot ticks never received, from the snapshot count and the tick span.
    var snapshotLoss: Double {
        guard let newest = replication.newestTick, let first = firstSnapshotTick, newest > first else { return 0 }
        let expected = Double(first.distance(to: newest) + 1)
        return max(0, 1 - Double(snapshotsReceived) / expected)
    }
}
