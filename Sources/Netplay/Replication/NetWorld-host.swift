import NetplayBase
import NetplayReplication

/// The host's half of a ``NetWorld``: the authoritative entities, who owns what, and the
/// fixed-rate simulation steps that turn inputs into states and states into snapshots.
final class HostReplica<State: Codable & Sendable & Interpolatable, Input: Codable & Sendable> {
    var replication: ReplicationHost<State, Input>
    /// Each connected client's replication id; the host's own player is ``ParticipantID/host``.
    private var participants: [NetPeer: ParticipantID] = [:]
    private var peers: [ParticipantID: NetPeer] = [.host: .host]
    private var nextParticipant: UInt16 = 1
    private var ticker: FixedRateTicker
    private let session: NetSession
    /// Counted for ``NetWorld/statistics``.
    private(set) var statistics = NetWorldStatistics()

    init(replication: ReplicationHost<State, Input>, session: NetSession) {
        self.replication = replication
        self.session = session
        ticker = FixedRateTicker(rate: replication.configuration.tickRate)
    }

    /// Continues the world of a host that left (host migration): `entities` with their ids,
    /// each owned by the player named beside it, ticks going on from `tick`. Owners who have
    /// not rejoined yet get their replication id now and their welcome when they do.
    convenience init(
        continuing entities: [(entity: ReplicatedEntity<State>, owner: NetPeer)], at tick: Tick, tickRate: TickRate,
        session: NetSession
    ) throws {
        self.init(
            replication: ReplicationHost(configuration: ReplicationConfiguration(tickRate: tickRate)), session: session)
        var owned: [ReplicatedEntity<State>] = []
        for (entity, owner) in entities {
            var entity = entity
            entity.owner = owner.isHost ? .host : assignParticipant(owner) ?? .host
            owned.append(entity)
        }
        replication = try ReplicationHost(
            configuration: ReplicationConfiguration(tickRate: tickRate), continuing: owned, at: tick)
        for participant in participants.values { replication.addClient(participant) }
    }

    /// Admits joiners (and tells each which entities will be its own), forgets leavers and
    /// their entities, and applies clients' input packets.
    func take(_ deliveries: [ReplicationDelivery], now: NetInstant) {
        for delivery in deliveries {
            switch delivery {
            case .joined(let peer):
                welcome(peer)
            case .left(let peer):
                guard let participant = participants.removeValue(forKey: peer) else { continue }
                peers[participant] = nil
                replication.removeClient(participant)
                for entity in replication.allEntities where entity.owner == participant {
                    replication.despawn(entity.id)
                }
                shareRoster()
            case .hostChanged:
                break
            case .bytes(let bytes, let channel, let peer):
                guard channel == ReplicationChannels.state, let participant = participants[peer] else { continue }
                // Malformed packets are counted in the replication layer's drops and ignored.
                try? replication.receive(bytes, from: participant, now: now)
            }
        }
    }

    /// Gives a player who joined its replication id (if the game did not already, spawning
    /// its entity) and tells it, and everyone who owns what.
    private func welcome(_ peer: NetPeer) {
        guard let participant = assignParticipant(peer) else { return }
        let welcome = Welcome(participant: participant, tickRate: replication.configuration.tickRate)
        try? session.sendReplication(welcome.bytes, on: ReplicationChannels.control, to: .peer(peer))
        shareRoster()
    }

    /// `peer`'s replication id, given now if it has none: when the session reports the join,
    /// or earlier, when the game spawns an entity for a player it has just seen connect (or,
    /// after a host migration, one still expected back).
    @discardableResult
    private func assignParticipant(_ peer: NetPeer) -> ParticipantID? {
        if let known = participants[peer] { return known }
        guard nextParticipant < UInt16.max else { return nil }
        let participant = ParticipantID(nextParticipant)
        nextParticipant += 1
        participants[peer] = participant
        peers[participant] = peer
        replication.addClient(participant)
        return participant
    }

    /// Tells every client which player each replication id is, so every machine knows who
    /// owns each entity (and a client that takes over as host keeps them with their owners).
    private func shareRoster() {
        let roster = Roster(players: participants.map { ($0.value, $0.key) })
        try? session.sendReplication(roster.bytes, on: ReplicationChannels.control, to: .everyoneExcept(.host))
    }

    /// Runs the simulation steps due by `now`: each gathers every player's input, moves the
    /// entities players own, lets the game move the rest, then sends each client a snapshot.
    func runDueTicks(
        now: NetInstant, localInput: Input?, step: ((State, Input) -> State)?,
        perTick: (NetWorldTick<Input>) -> Void
    ) {
        for _ in 0..<ticker.ticksDue(at: now, limit: NetWorld<State, Input>.maxTicksPerUpdate) {
            let next = replication.tick.advanced(by: 1)
            var inputs: [NetPeer: Input] = [:]
            if let localInput { inputs[.host] = localInput }
            for (peer, participant) in participants {
                if let input = replication.input(of: participant, at: next) { inputs[peer] = input }
            }
            if let step {
                for entity in replication.allEntities {
                    guard let owner = peers[entity.owner], let input = inputs[owner] else { continue }
                    try? replication.setState(step(entity.state, input), of: entity.id)
                }
            }
            perTick(NetWorldTick(inputs: inputs))
            replication.advanceTick()
            statistics.ticks += 1
            for (peer, participant) in participants {
                guard let snapshot = try? replication.makeSnapshot(for: participant, now: now) else { continue }
                // A full send queue loses this snapshot only; the next delta repairs it.
                guard (try? session.sendReplication(snapshot, on: ReplicationChannels.state, to: .peer(peer))) != nil
                else { continue }
                statistics.snapshots += 1
            }
        }
    }

    func spawn(_ state: State, ownedBy owner: NetPeer) throws(NetWorldError) -> NetEntityID {
        let connected =
            owner.isHost
            || session.withCore { $0.peers.contains(owner) || $0.host?.awaitedRejoins.contains(owner.id) == true }
        guard connected, let participant = owner.isHost ? ParticipantID.host : assignParticipant(owner) else {
            throw .unknownOwner(owner)
        }
        do {
            return NetEntityID(raw: try replication.spawn(kind: Self.kind, owner: participant, state: state))
        } catch {
            throw .unsupportedState("\(error)")
        }
    }

    func set(_ id: NetEntityID, to state: State) throws(NetWorldError) {
        do throws(ReplicationError) {
            try replication.setState(state, of: id.raw)
        } catch .unknownEntity {
            throw .unknownEntity(id)
        } catch {
            throw .unsupportedState("\(error)")
        }
    }

    /// The authoritative entities, as the host draws them.
    func entities() -> [NetEntity<State>] {
        replication.allEntities.map { entity in
            NetEntity(
                id: NetEntityID(raw: entity.id), owner: peers[entity.owner], isMine: entity.owner == .host,
                state: entity.state)
        }
    }

    /// A world has one state type, so every entity has the same replication kind.
    static var kind: EntityKind { EntityKind(0) }
}

/// Counts the fixed-rate steps due since the first call, from the session's clock.
struct FixedRateTicker {
    let rate: TickRate
    private var start: NetInstant?
    private var ticksRun = 0

    init(rate: TickRate) { self.rate = rate }

    /// How many steps to run now: all that are due, at most `limit` (the rest are skipped,
    /// not run late in a burst).
    mutating func ticksDue(at now: NetInstant, limit: Int) -> Int {
        guard let start else {
            self.start = now
            return 0
        }
        let due = Int(rate.ticks(at: NetInstant(nanoseconds: now.nanoseconds - start.nanoseconds))) - ticksRun
        guard due > 0 else { return 0 }
        ticksRun += due
        return min(due, limit)
    }
}

/// What the host tells a client when it joins: its replication id (it owns the entities
/// with that owner) and the simulation rate. Four bytes: the id, then the rate in hertz,
/// each a little-endian `UInt16`.
struct Welcome: Equatable {
    static let byteCount = 4
    var participant: ParticipantID
    var tickRate: TickRate

    var bytes: [UInt8] {
        let hertz = UInt16(clamping: tickRate.hertz)
        return [
            UInt8(truncatingIfNeeded: participant.value), UInt8(participant.value >> 8),
            UInt8(truncatingIfNeeded: hertz), UInt8(hertz >> 8),
        ]
    }

    init(participant: ParticipantID, tickRate: TickRate) {
        self.participant = participant
        self.tickRate = tickRate
    }

    /// Parses a welcome; `nil` for anything else (a hostile or buggy host).
    init?(bytes: [UInt8]) {
        guard bytes.count == 4 else { return nil }
        let hertz = Int(UInt16(bytes[2]) | UInt16(bytes[3]) << 8)
        guard hertz > 0 else { return nil }
        participant = ParticipantID(UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
        tickRate = TickRate(hertz: hertz)
    }
}

/// Which player each replication id is: sent to every client whenever a player joins or
/// leaves, so a client knows the owner of every entity it draws. A marker byte (a welcome is
/// exactly four bytes, a roster never is), then per player its id as a little-endian `UInt16`
/// and its session id as a little-endian `UInt32`.
package struct Roster {
    static let marker: UInt8 = 0x52
    static let entryBytes = 6
    package var players: [(ParticipantID, NetPeer)]

    package init(players: [(ParticipantID, NetPeer)]) {
        self.players = players.sorted { $0.0.value < $1.0.value }
    }

    package var bytes: [UInt8] {
        var bytes = [Self.marker]
        for (participant, peer) in players {
            let id = peer.id.rawValue
            bytes += [UInt8(truncatingIfNeeded: participant.value), UInt8(participant.value >> 8)]
            bytes += (0..<4).map { UInt8(truncatingIfNeeded: id >> (8 * $0)) }
        }
        return bytes
    }

    /// Parses a roster; `nil` for anything else.
    package init?(bytes: [UInt8]) {
        guard bytes.first == Self.marker, (bytes.count - 1) % Self.entryBytes == 0 else { return nil }
        var players: [(ParticipantID, NetPeer)] = []
        for start in stride(from: 1, to: bytes.count, by: Self.entryBytes) {
            let participant = ParticipantID(UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8)
            let id = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[start + 2 + $1]) << (8 * $1) }
            guard participant != .host, id != 0 else { return nil }
            players.append((participant, NetPeer(PeerID(rawValue: id))))
        }
        self.players = players
    }
}
