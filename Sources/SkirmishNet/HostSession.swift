import Netplay
import NetplayBase
import NetplayReplication
import NetplayWire
import SkirmishCore

/// The host's side of a game: it runs the authoritative `World`, takes each client's inputs
/// from `ReplicationHost`, replicates players and creeps as delta snapshots, and sends every
/// shot as a reliable event. Its own player plays through the same world, with no network
/// between it and the keys.
final class HostSession {
    let net: NetHost
    let localPlayer = HostSession.hostPlayer

    private(set) var world: World
    var replication = ReplicationHost<ReplicatedUnit, PlayerInput>()
    /// Connected clients and the replication id each was given.
    var participants: [NetPeer: ParticipantID] = [:]
    var nextParticipant: UInt16 = 1
    var playerEntities: [PlayerID: EntityID] = [:]
    var creepEntities: [UInt32: EntityID] = [:]
    var lastStatus: MatchStatus?
    var traffic: TrafficMeter
    var ticker: FixedStepTicker
    var ticksSimulated = 0
    var snapshotsSent = 0
    var bulletsFired = 0
    var notice: String?
    var ended: String?

    /// The host's own player is `NetPeer/host`, whose id 0 no client is ever given.
    static let hostPlayer = PlayerID(NetPeer.host.id.rawValue)

    init(net: NetHost, notice: String, now: ContinuousClock.Instant) {
        self.net = net
        // Any seed works (clients never simulate creeps); a fresh one makes each game differ.
        world = World(seed: UInt64.random(in: 0...UInt64.max))
        traffic = TrafficMeter(now: now)
        ticker = FixedStepTicker(start: now, ticksPerSecond: SkirmishRules.ticksPerSecond)
        self.notice = notice
    }

    /// Handles this frame's network events, runs the ticks that are due with `input` for the
    /// host's player, and returns what to draw.
    func update(input: PlayerInput, now: ContinuousClock.Instant, instant: NetInstant) -> FrameView {
        handleEvents(instant: instant)
        for _ in 0..<ticker.ticksDue(at: now) where ended == nil {
            step(localInput: input, instant: instant)
        }
        traffic.update(now: now)
        return frame()
    }

    private func handleEvents(instant: NetInstant) {
        for event in net.poll() {
            switch event {
            case .connected(.host):
                world.addPlayer(localPlayer)
            case .connected(let peer):
                admit(peer)
            case .message(let packet as InputMessage, from: let peer):
                traffic.received(packet.bytes.count)
                guard let participant = participants[peer] else { continue }
                // A malformed packet is counted by the replication layer and ignored.
                try? replication.receive(packet.bytes, from: participant, now: instant)
            case .message:
                break
            case .disconnected(.host, let reason):
                ended = reason == .closedLocally ? "You ended the game." : "The game stopped: \(reason)."
            case .disconnected(let peer, _):
                leave(peer)
            }
        }
    }

    private func admit(_ peer: NetPeer) {
        let player = PlayerID(peer.id.rawValue)
        guard world.addPlayer(player) != nil else {
            net.kick(peer, reason: "the game is full (\(SkirmishRules.maxPlayers) players)")
            return
        }
        let participant = ParticipantID(nextParticipant)
        nextParticipant &+= 1
        participants[peer] = participant
        replication.addClient(participant)
        send(MatchStatus(tick: world.tick, wave: world.wave, phase: world.phase), to: .peer(peer))
        notice = "A player joined: \(participants.count + 1) of \(SkirmishRules.maxPlayers) playing."
    }

    private func leave(_ peer: NetPeer) {
        guard let participant = participants.removeValue(forKey: peer) else { return }
        replication.removeClient(participant)
        world.removePlayer(PlayerID(peer.id.rawValue))
        notice = "A player left, so a seat is free: \(participants.count + 1) of \(SkirmishRules.maxPlayers) playing."
    }

    /// One tick: every player's input for the coming tick (a client's from its packets,
    /// repeating its last when one is missing), the world steps, the replicated entities
    /// follow it, and each client gets its snapshot and the tick's shots.
    private func step(localInput: PlayerInput, instant: NetInstant) {
        let next = NetTick(world.tick &+ 1)
        var inputs: [PlayerID: PlayerInput] = [localPlayer: localInput]
        for (peer, participant) in participants {
            inputs[PlayerID(peer.id.rawValue)] = replication.input(of: participant, at: next) ?? .idle
        }
        let events = world.step(inputs: inputs)
        ticksSimulated += 1
        replication.advanceTick()
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
        for (peer, participant) in participants {
            guard let bytes = try? replication.makeSnapshot(for: participant, now: instant) else { continue }
            snapshotsSent += 1
            send(SnapshotMessage(bytes: bytes), on: .unreliable, to: .peer(peer))
        }
    }

    private func send(
        _ message: some NetMessage, on channel: NetChannel = .reliableOrdered, to recipients: NetRecipients
    ) {
        // A refused send (queue full while a client stalls) loses one message: snapshots
        // repair themselves, and a client that misses events that long is about to time out.
        guard (try? net.send(message, on: channel, to: recipients)) != nil else { return }
        let copies = recipients == .everyoneExcept(.host) ? participants.count : 1
        traffic.sent(TrafficMeter.size(of: message) * copies)
    }
}
