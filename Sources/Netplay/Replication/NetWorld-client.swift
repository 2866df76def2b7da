import NetplayBase
import NetplayReplication

/// A client's half of a ``NetWorld``: snapshots in, inputs out, other entities interpolated
/// and this player's own entities predicted and reconciled.
final class ClientReplica<State: Codable & Sendable & Interpolatable, Input: Codable & Sendable> {
    /// Made when the host's welcome says who this client is.
    private var replication: ReplicationClient<State, Input>?
    /// One per entity this client owns, all stepped over the same ticks.
    private var predictors: [EntityID: Predictor<State, Input>] = [:]
    /// The last tick predicted, and the newest authoritative tick reconciled against.
    private(set) var predictedTick: Tick?
    private var reconciledTick: Tick?
    /// When ``NetWorld/update(perTick:)`` last ran: what ``entities(now:localPeer:)`` drew for.
    private var drawnAt: NetInstant?
    /// Counted for ``NetWorld/statistics``.
    private(set) var statistics = NetWorldStatistics()
    private var firstSnapshotTick: Tick?
    /// Which player each replication id is, as the host last said.
    private var roster: [ParticipantID: NetPeer] = [:]
    /// The tick rate the host's welcome gave.
    private(set) var tickRate: TickRate?

    /// Whether the host has welcomed this client (so it draws the host's world).
    var hasWelcome: Bool { replication != nil }

    /// Corrections larger than this snap instead of blending (a respawn across the arena).
    static var snapDistance: Double { 64 }

    func take(_ deliveries: [ReplicationDelivery], now: NetInstant) {
        for case .bytes(let bytes, let channel, _) in deliveries {
            if channel == ReplicationChannels.control {
                if ControlMessage(bytes) == .roster, let roster = Roster(bytes: bytes) {
                    self.roster = Dictionary(roster.players, uniquingKeysWith: { first, _ in first })
                    continue
                }
                guard replication == nil, let welcome = Welcome(bytes: bytes) else { continue }
                tickRate = welcome.tickRate
                replication = ReplicationClient(
                    id: welcome.participant, configuration: ReplicationConfiguration(tickRate: welcome.tickRate))
            } else if channel == ReplicationChannels.state {
                // Stale, duplicated or undecodable snapshots are counted and dropped; the next repairs it.
                guard (try? replication?.receiveSnapshot(bytes, now: now)) != nil else { continue }
                countSnapshot()
            }
        }
    }

    /// Steps this player's own entities up to the tick the host will apply this frame's
    /// input at, after reconciling them with the newest snapshot; records the input for each
    /// step so the next packets carry it.
    func predict(now: NetInstant, localInput: Input?, step: ((State, Input) -> State)?) {
        guard var replication, let localInput, let target = replication.clock.inputTick(at: now) else { return }
        defer { self.replication = replication }
        let limit = NetWorld<State, Input>.maxTicksPerUpdate
        if let predicted = predictedTick, predicted.distance(to: target) > limit || target < predicted {
            // A stall or a clock step: start again from the host's state.
            predictors = [:]
            predictedTick = nil
        }
        var from = predictedTick ?? target.advanced(by: -1)
        if let step, let newest = replication.newestTick, let snapshot = replication.entities(at: newest) {
            let mine = snapshot.filter { $0.owner == replication.id }
            for entity in mine where predictors[entity.id] == nil {
                predictors[entity.id] = Predictor(
                    state: entity.state, tick: from, snapDistance: Self.snapDistance)
            }
            let alive = Set(mine.map(\.id))
            predictors = predictors.filter { alive.contains($0.key) }
            if reconciledTick.map({ $0 < newest }) ?? true {
                for entity in mine {
                    let correction =
                        predictors[entity.id]?.reconcile(authoritative: entity.state, at: newest, step: step) ?? 0
                    if correction > 0 {
                        statistics.corrections += 1
                        statistics.largestCorrection = max(statistics.largestCorrection, correction)
                    }
                }
                reconciledTick = newest
            }
        }
        while from < target {
            from = from.advanced(by: 1)
            if let step {
                for id in predictors.keys { predictors[id]?.predict(localInput, at: from, step: step) }
            }
            replication.recordInput(localInput, at: from)
            statistics.ticks += 1
        }
        predictedTick = target
    }

    /// The packet that acknowledges the newest snapshot, probes the clock and repeats the
    /// latest inputs: sent every frame once the host has welcomed this client.
    func send(now: NetInstant, session: NetSession) {
        guard let packet = try? replication?.makePacket(now: now) else { return }
        try? session.sendReplication(packet, on: ReplicationChannels.state, to: .peer(.host))
    }

    /// Everything to draw now: others interpolated, this player's own entities predicted.
    func entities(now: NetInstant, localPeer: NetPeer?) -> [NetEntity<State>] {
        drawnAt = now
        guard let replication else { return [] }
        return replication.interpolatedEntities(at: now).map { entity in
            netEntity(entity, localPeer: localPeer, state: predictors[entity.id]?.displayed ?? entity.state)
        }
    }

    private func netEntity(_ entity: ReplicatedEntity<State>, localPeer: NetPeer?, state: State) -> NetEntity<State> {
        let isMine = entity.owner == replication?.id
        let owner: NetPeer? = isMine ? localPeer : (entity.owner == .host ? .host : roster[entity.owner])
        return NetEntity(id: NetEntityID(raw: entity.id), owner: owner, isMine: isMine, state: state)
    }

    /// The fractional host tick the last ``entities(now:localPeer:)`` interpolated at.
    var renderTick: Double? {
        guard let drawnAt else { return nil }
        return replication?.timeline.renderTick(at: drawnAt)
    }

    var newestTick: Tick? { replication?.newestTick }

    /// What a client that takes over as host continues from: the newest snapshot's entities,
    /// its own as predicted, each with who owns it now (its own and the old host's: the new
    /// host; others: their players, unknown ones the host too), and that snapshot's tick.
    func inheritance() -> (entities: [(entity: ReplicatedEntity<State>, owner: NetPeer)], tick: Tick) {
        guard let replication, let newest = replication.newestTick, let snapshot = replication.entities(at: newest)
        else { return ([], predictedTick ?? .zero) }
        let entities = snapshot.map { entity in
            var entity = entity
            if let predicted = predictors[entity.id]?.displayed { entity.state = predicted }
            let owner =
                entity.owner == replication.id || entity.owner == .host ? NetPeer.host : roster[entity.owner] ?? .host
            return (entity: entity, owner: owner)
        }
        return (entities, newest)
    }

    /// The host's entities exactly as the snapshot for `tick` carried them, while it is kept.
    func receivedEntities(at tick: Tick, localPeer: NetPeer?) -> [NetEntity<State>]? {
        replication?.entities(at: tick)?.map { netEntity($0, localPeer: localPeer, state: $0.state) }
    }

    /// Counts an accepted snapshot, and the share of host ticks since the first whose snapshot
    /// never arrived (the host sends one per tick).
    private func countSnapshot() {
        statistics.snapshots += 1
        guard let newest = replication?.newestTick else { return }
        let first = firstSnapshotTick ?? newest
        firstSnapshotTick = first
        let expected = Double(first.distance(to: newest) + 1)
        statistics.snapshotLoss = max(0, 1 - Double(statistics.snapshots) / expected)
    }
}
