import Netplay
import SkirmishCore

/// A joined player's side of a game: it sends its inputs, draws other players and creeps
/// interpolated by its ``NetWorld``, its own player predicted by the same world, and flies the
/// host's bullet events itself.
final class ClientSession {
    let net: NetClient
    let replicas: NetWorld<ReplicatedUnit, PlayerInput>
    let localPlayer: PlayerID
    /// The match phase, shared with the prediction rule: players stand still between rounds.
    let match = MatchPhase()
    var bullets = BulletTrack()
    var audit = DisplayAudit()
    var lastView = FrameView()
    var notice: String?
    var ended: String?
    /// Nothing heard from the host for a second; see ``FrameView/reconnecting``.
    var hostIsSilent = false
    var reconnects = ReconnectLog()

    init(net: NetClient, localPlayer: PlayerID) throws(NetWorldError) {
        self.net = net
        self.localPlayer = localPlayer
        let match = match
        replicas = try NetWorld(client: net) { PlayerMotion.step($0, $1, playing: match.status.phase == .playing) }
    }

    func update(input: PlayerInput) -> FrameView {
        handleEvents()
        if ended == nil {
            replicas.sendInput(input)
            replicas.update()
        }
        reconnects.note(newestTick: replicas.newestTick)
        lastView = frame()
        audit.settle(against: replicas)
        return lastView
    }

    private func handleEvents() {
        for event in net.poll() {
            switch event {
            case .message(let shot as BulletFired, _):
                bullets.add(shot)
            case .message(let status as MatchStatus, _):
                if status.phase != match.status.phase, status.phase == .playing { bullets.removeAll() }
                match.status = status
            case .message, .connected, .hostChanged:
                break
            case .interrupted:
                notice = "Nothing heard from the host: reconnecting…"
                hostIsSilent = true
                reconnects.interrupted()
            case .resumed:
                notice = "Reconnected to the host."
                hostIsSilent = false
                reconnects.resumed()
            case .disconnected(_, let reason):
                ended = SessionEnd.message(for: reason)
            }
        }
    }
}

/// Where the match stands on a client, as the host last said: a reference, so the prediction
/// rule given to the ``NetWorld`` reads the current phase.
final class MatchPhase {
    var status = MatchStatus.initial
}
