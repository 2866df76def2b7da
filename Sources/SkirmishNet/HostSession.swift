import Netplay
import SkirmishCore

/// The host's side of a game: it runs the authoritative `World` on its ``NetWorld``'s ticks
/// with every player's input, mirrors players and creeps into replicated entities, and sends
/// every shot as a reliable event. Its own player plays through the same world, with no
/// network between it and the keys.
///
/// A host session either starts a game (``init(net:notice:)``) or continues one whose host
/// left, on the client that took over (``init(succeeding:_:)``, in HostSession-takeover.swift).
final class HostSession {
    let net: NetHost
    let replicas: NetWorld<ReplicatedUnit, PlayerInput>
    /// This machine's player: ``hostPlayer`` for the player who started the game; on a client
    /// that took over, its own id as a client (its former peer id), which the others know it by.
    let localPlayer: PlayerID

    private(set) var world: World
    var playerEntities: [PlayerID: NetEntityID] = [:]
    var creepEntities: [UInt32: NetEntityID] = [:]
    var lastStatus: MatchStatus?
    var bulletsFired = 0
    var notice: String?
    var ended: String?
    /// Players nothing has been heard from for a second; see ``FrameView/reconnecting``.
    var silentPlayers: Set<PlayerID> = []
    var reconnects = ReconnectLog()
    /// The change of host that made this player the host, if it took over.
    var handover: SessionReport.Handover?
    /// Events polled by the client session after the change of host, handled first.
    var pending: [NetEvent] = []

    /// The host's own player is `NetPeer/host`, whose id 0 no client is ever given.
    static let hostPlayer = PlayerID(NetPeer.host.id.rawValue)

    /// Starts a game: a fresh world and a host's ``NetWorld``.
    init(net: NetHost, notice: String) throws(NetWorldError) {
        self.net = net
        // The host's World moves every player itself, so the replicas get no step rule.
        replicas = try NetWorld(host: net, tickRate: SkirmishRules.ticksPerSecond)
        localPlayer = Self.hostPlayer
        // Any seed works (clients never simulate creeps); a fresh one makes each game differ.
        world = World(seed: UInt64.random(in: 0...UInt64.max))
        self.notice = notice
    }

    /// Continues a game in a ``NetWorld`` that already runs as the host's (after a change of
    /// host), with `world` rebuilt from it; see HostSession-takeover.swift.
    init(
        net: NetHost, replicas: NetWorld<ReplicatedUnit, PlayerInput>, localPlayer: PlayerID, world: World,
        notice: String
    ) {
        self.net = net
        self.replicas = replicas
        self.localPlayer = localPlayer
        self.world = world
        self.notice = notice
    }

    /// Handles this frame's network events, runs the ticks that are due with `input` for the
    /// host's player, and returns what to draw.
    func update(input: PlayerInput) -> FrameView {
        handleEvents()
        replicas.sendInput(input)
        if ended == nil { replicas.update { step(inputs: $0.inputs) } }
        // After taking over: play goes on with the first step of this player's own world.
        if let inherited = handover?.tick, Int(world.tick) > inherited {
            handover?.playing(at: ReconnectLog.nowMs, wave: world.wave)
        }
        return frame()
    }

    /// The player a session peer plays: `.host` is this machine's own, a client its peer id.
    func player(of peer: NetPeer) -> PlayerID {
        peer.isHost ? localPlayer : PlayerID(peer.id.rawValue)
    }

    /// How the notice line names a player: "P" and the seat number.
    func seatName(_ player: PlayerID) -> String {
        world.player(player).map { "P\($0.slot + 1)" } ?? "A player"
    }

    private func handleEvents() {
        let events = pending + net.poll()
        pending = []
        for event in events {
            switch event {
            case .connected(.host):
                world.addPlayer(localPlayer)
            case .connected(let peer):
                admit(peer)
            case .message, .hostChanged:
                break
            case .interrupted(let peer):
                notice = "Nothing heard from player \(peer.id.rawValue): reconnecting…"
                silentPlayers.insert(player(of: peer))
                reconnects.interrupted()
            case .resumed(let peer):
                notice = "Player \(peer.id.rawValue) is back."
                silentPlayers.remove(player(of: peer))
                reconnects.resumed()
            case .disconnected(.host, let reason):
                ended = reason == .closedLocally ? "You ended the game." : "The game stopped: \(reason)."
            case .disconnected(let peer, _):
                // The world despawns the player's entity itself.
                let player = player(of: peer)
                silentPlayers.remove(player)
                guard world.removePlayer(player) else { continue }
                playerEntities[player] = nil
                notice =
                    "A player left, so a seat is free: \(world.players.count) of \(SkirmishRules.maxPlayers) playing."
            }
        }
    }

    /// Seats a player who connected, or welcomes back one who kept a seat across a change of
    /// host (seated and replicated already): either way it hears where the match stands.
    private func admit(_ peer: NetPeer) {
        let player = player(of: peer)
        let returning = world.player(player) != nil
        guard world.addPlayer(player) != nil else {
            net.kick(peer, reason: "the game is full (\(SkirmishRules.maxPlayers) players)")
            return
        }
        // Spawned now, owned by the peer, so its world predicts it from the first snapshot.
        if playerEntities[player] == nil, let seated = world.player(player) {
            playerEntities[player] = try? replicas.spawn(ReplicatedUnit(player: seated), ownedBy: peer)
        }
        silentPlayers.remove(player)
        send(MatchStatus(tick: world.tick, wave: world.wave, phase: world.phase), to: .peer(peer))
        notice =
            returning
            ? "\(seatName(player)) rejoined: you host now."
            : "A player joined: \(world.players.count) of \(SkirmishRules.maxPlayers) playing."
    }

    /// One tick: the world steps with every player's input (a client's from its packets,
    /// repeating its last when one is missing), the replicated entities follow it, and the
    /// tick's shots and any change of wave or phase go out as events.
    private func step(inputs: [NetPeer: PlayerInput]) {
        var byPlayer: [PlayerID: PlayerInput] = [:]
        for player in world.players { byPlayer[player.id] = .idle }
        for (peer, input) in inputs where byPlayer[player(of: peer)] != nil { byPlayer[player(of: peer)] = input }
        let events = world.step(inputs: byPlayer)
        syncEntities()
        for event in events {
            guard case .bulletFired(let shot) = event else { continue }
            bulletsFired += 1
            send(shot, to: .everyoneExcept(.host))
        }
        let status = MatchStatus(tick: world.tick, wave: world.wave, phase: world.phase)
        if lastStatus.map({ $0.wave != status.wave || $0.phase != status.phase }) ?? true {
            lastStatus = status
            send(status, to: .everyoneExcept(.host))
        }
    }

    func send(_ message: some NetMessage, to recipients: NetRecipients) {
        // A refused send (queue full while a client stalls) loses one event: a client that
        // misses events that long is about to time out.
        try? net.send(message, on: .reliableOrdered, to: recipients)
    }
}
