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
    /// Who hosts: the player who started the game, until a host change names another.
    var hostPlayer = HostSession.hostPlayer
    /// Players who hosted and left.
    var formerHosts: Set<PlayerID> = []
    /// Each change of host; the last waits for the new host's first snapshot to be complete.
    var handovers: [SessionReport.Handover] = []
    /// Which creeps the current wave brought, for a host that continues this client's world.
    var creepIDs = WaveCreepIDs()
    /// Set when this player took over as host: ``GameSession`` makes it a ``HostSession``.
    private(set) var takeover: Takeover?

    init(net: NetClient, localPlayer: PlayerID) throws(NetWorldError) {
        self.net = net
        self.localPlayer = localPlayer
        let match = match
        replicas = try NetWorld(client: net) { PlayerMotion.step($0, $1, playing: match.status.phase == .playing) }
    }

    func update(input: PlayerInput) -> FrameView {
        handleEvents()
        // The player hosts from now on: the host session continues from here.
        if takeover != nil { return lastView }
        if ended == nil {
            replicas.sendInput(input)
            replicas.update()
        }
        reconnects.note(newestTick: replicas.newestTick)
        // The first snapshot from the new host (the world started afresh at the change).
        if replicas.newestTick != nil, handovers.last?.playingAgainAtMs == nil, !handovers.isEmpty {
            handovers[handovers.count - 1].playing(at: ReconnectLog.nowMs, wave: Int(match.status.wave))
        }
        lastView = frame()
        audit.settle(against: replicas)
        return lastView
    }

    private func handleEvents() {
        let events = net.poll()
        for (index, event) in events.enumerated() {
            switch event {
            case .message(let shot as BulletFired, _):
                bullets.add(shot)
            case .message(let status as MatchStatus, _):
                if status.phase != match.status.phase, status.phase == .playing { bullets.removeAll() }
                if status.wave != match.status.wave { creepIDs.waveStarted() }
                match.status = status
            case .message, .connected:
                break
            case .hostChanged(let peer):
                let handover = handoverRecord(to: peer)
                if let host = net.host {
                    // What is left of this frame's events is the new host's to handle.
                    takeover = Takeover(
                        former: peer, host: host, handover: handover, events: Array(events[(index + 1)...]))
                    return
                }
                formerHosts.insert(hostPlayer)
                hostPlayer = PlayerID(peer.id.rawValue)
                hostIsSilent = false
                handovers.append(handover)
                notice = "The host left; \(lastView.name(of: hostPlayer)) hosts now."
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

    /// The change of host to `peer`, as this client saw the game at that moment.
    private func handoverRecord(to peer: NetPeer) -> SessionReport.Handover {
        SessionReport.Handover(
            newHost: peer.id.rawValue, tookOver: net.host != nil, lastFromOldHostMs: reconnects.lastProgressMs,
            changedAtMs: ReconnectLog.nowMs, tick: replicas.newestTick ?? 0, waveBefore: Int(match.status.wave),
            creepsLastDrawn: lastView.creeps.map(SessionReport.CreepSpot.init))
    }
}

/// Where the match stands on a client, as the host last said: a reference, so the prediction
/// rule given to the ``NetWorld`` reads the current phase.
final class MatchPhase {
    var status = MatchStatus.initial
}

/// The creep ids a client has seen, so a client that takes over knows how many of the
/// current wave's creeps are still to come: creep ids count up and every wave starts once the
/// last one's creeps are all dead, so the wave's creeps are those above the highest id seen
/// when it started.
struct WaveCreepIDs: Sendable {
    /// The highest creep id seen so far (0: none).
    private(set) var highest: UInt32 = 0
    /// The highest id seen before the current wave began.
    private(set) var beforeWave: UInt32 = 0

    mutating func saw(_ id: UInt32) { highest = max(highest, id) }

    /// A wave began: its creeps are the ones after those seen so far. (The status comes with
    /// the wave's first tick and the first creep a tick later, drawn later still.)
    mutating func waveStarted() { beforeWave = highest }

    /// How many creeps of wave `wave` have appeared.
    var spawnedThisWave: Int { Int(highest - min(beforeWave, highest)) }
}
