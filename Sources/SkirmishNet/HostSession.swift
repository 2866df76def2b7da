import Netplay
import SkirmishCore

/// The host's side of a game: it runs the authoritative `World` on its ``NetWorld``'s ticks
/// with every player's input, mirrors players and creeps into replicated entities, and sends
/// every shot as a reliable event. Its own player plays through the same world, with no
/// network between it and the keys.
final class HostSession {
    let net: NetHost
    let replicas: NetWorld<ReplicatedUnit, PlayerInput>
    let localPlayer = HostSession.hostPlayer

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

    /// The host's own player is `NetPeer/host`, whose id 0 no client is ever given.
    static let hostPlayer = PlayerID(NetPeer.host.id.rawValue)

    init(net: NetHost, notice: String) throws(NetWorldError) {
        self.net = net
        // The host's World moves every player itself, so the replicas get no step rule.
        replicas = try NetWorld(host: net, tickRate: SkirmishRules.ticksPerSecond)
        // Any seed works (clients never simulate creeps); a fresh one makes each game differ.
        world = World(seed: UInt64.random(in: 0...UInt64.max))
        self.notice = notice
    }

    /// Handles this frame's network events, runs the ticks that are due with `input` for the
    /// host's player, and returns what to draw.
    func update(input: PlayerInput) -> FrameView {
        handleEvents()
        replicas.sendInput(input)
        if ended == nil { replicas.update { step(inputs: $0.inputs) } }
        return frame()
    }

    private func handleEvents() {
        for event in net.poll() {
            switch event {
            case .connected(.host):
                world.addPlayer(localPlayer)
            case .connected(let peer):
                admit(peer)
            case .message, .hostChanged:
                break
            case .interrupted(let peer):
                notice = "Nothing heard from player \(peer.id.rawValue): reconnecting…"
                silentPlayers.insert(PlayerID(peer.id.rawValue))
                reconnects.interrupted()
            case .resumed(let peer):
                notice = "Player \(peer.id.rawValue) is back."
                silentPlayers.remove(PlayerID(peer.id.rawValue))
                reconnects.resumed()
            case .disconnected(.host, let reason):
                ended = reason == .closedLocally ? "You ended the game." : "The game stopped: \(reason)."
            case .disconnected(let peer, _):
                // The world despawns the player's entity itself.
                silentPlayers.remove(PlayerID(peer.id.rawValue))
                guard world.removePlayer(PlayerID(peer.id.rawValue)) else { continue }
                playerEntities[PlayerID(peer.id.rawValue)] = nil
                notice =
                    "A player left, so a seat is free: \(world.players.count) of \(SkirmishRules.maxPlayers) playing."
            }
        }
    }

    private func admit(_ peer: NetPeer) {
        let player = PlayerID(peer.id.rawValue)
        guard world.addPlayer(player) != nil else {
            net.kick(peer, reason: "the game is full (\(SkirmishRules.maxPlayers) players)")
            return
        }
        // Spawned now, owned by the peer, so its world predicts it from the first snapshot.
        if let seated = world.players.first(where: { $0.id == player }) {
            playerEntities[player] = try? replicas.spawn(ReplicatedUnit(player: seated), ownedBy: peer)
        }
        send(MatchStatus(tick: world.tick, wave: world.wave, phase: world.phase), to: .peer(peer))
        notice = "A player joined: \(world.players.count) of \(SkirmishRules.maxPlayers) playing."
    }

    /// One tick: the world steps with every player's input (a client's from its packets,
    /// repeating its last when one is missing), the replicated entities follow it, and the
    /// tick's shots and any change of wave or phase go out as events.
    private func step(inputs: [NetPeer: PlayerInput]) {
        var byPlayer: [PlayerID: PlayerInput] = [:]
        for player in world.players {
            byPlayer[player.id] = inputs.first { PlayerID($0.key.id.rawValue) == player.id }?.value ?? .idle
        }
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

    private func send(_ message: some NetMessage, to recipients: NetRecipients) {
        // A refused send (queue full while a client stalls) loses one event: a client that
        // misses events that long is about to time out.
        try? net.send(message, on: .reliableOrdered, to: recipients)
    }
}
