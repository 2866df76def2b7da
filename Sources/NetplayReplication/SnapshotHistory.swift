import NetplayBase
import NetplayWire

/// What the host remembers about the snapshots of one client: the view each recent one left
/// the client with (the possible baselines), the newest it acknowledged, and the priority
/// accumulated by changes that did not fit. Not generic over the game's state, so that
/// building a snapshot runs specialized.
package struct SnapshotHistory: Sendable {
    /// The view each recent snapshot left the client with, by tick, entities sorted by id.
    package var sent: [Tick: [ViewedEntity]] = [:]
    var acknowledged: Tick?
    /// Priority accumulated by entities whose updates did not fit; absent means zero.
    var accumulated: [EntityID: Double] = [:]
    /// The newest client timestamp and when it arrived, echoed for clock sync.
    var latestTimestamp: (clientMilliseconds: UInt32, receivedAt: NetInstant)?

    /// The snapshot of `table` at `tick` for this client, against its newest acknowledged
    /// view; records the view it leaves the client with. `isRelevant` and `weight` see
    /// entities by table index; `nil` means everything is relevant, with weight 1.
    mutating func makeSnapshot(
        of table: EntityTable, tick: Tick, now: NetInstant, configuration: ReplicationConfiguration,
        isRelevant: ((Int) -> Bool)?, weight: ((Int) -> Double)?
    ) -> [UInt8] {
        let baselineTick = acknowledged.flatMap { sent[$0] == nil ? nil : $0 }
        let baseline = baselineTick.flatMap { sent[$0] } ?? []
        var plan = SnapshotPlan(baseline: baseline, table: table, isRelevant: isRelevant)

        var header = SnapshotHeader(tick: tick, baseline: baselineTick, echo: nil)
        if let stamp = latestTimestamp {
            let held = max((now - stamp.receivedAt).nanosecondsClamped, 0) / Self.nanosecondsPerMillisecond
            header.echo = ClockEcho(
                clientMilliseconds: stamp.clientMilliseconds, holdMilliseconds: UInt32(clamping: held))
        }
        var writer = BitWriter(capacity: ReplicationConfiguration.maxSnapshotBytes)
        SnapshotCodec.writeHeader(header, to: &writer)
        let spent = writer.bitCount + Self.fixedBodyBits + baseline.count + plan.despawnedFieldBits
        choose(&plan, budget: configuration.snapshotBudgetBits - spent, weight: weight)

        let view = plan.write(to: &writer, baseline: baseline, table: table)
        sent[tick] = view
        let oldestKept = tick.advanced(by: -configuration.baselineHistory)
        for old in sent.keys where old < oldestKept { sent[old] = nil }
        return writer.finish()
    }

    /// Marks the candidates that fit in `budget` bits, most accumulated priority first (ties
    /// by id), and keeps the priority of the rest for the next snapshot.
    private mutating func choose(_ plan: inout SnapshotPlan, budget: Int, weight: ((Int) -> Double)?) {
        let total = plan.candidates.reduce(0) { $0 + $1.cost }
        if total <= budget {
            // Everything fits: every candidate goes and its priority is spent, whatever the
            // order or the weights.
            for index in plan.candidates.indices { plan.candidates[index].isChosen = true }
            if !accumulated.isEmpty {
                for candidate in plan.candidates { accumulated[candidate.id] = nil }
            }
            return
        }
        for index in plan.candidates.indices {
            let id = plan.candidates[index].id
            let added = max(weight?(plan.candidates[index].tableIndex) ?? 1, 0)
            let priority = accumulated[id, default: 0] + added
            accumulated[id] = priority
            plan.candidates[index].priority = priority
        }
        let order = plan.candidates.indices.sorted {
            (plan.candidates[$0].priority, plan.candidates[$1].id) > (
                plan.candidates[$1].priority, plan.candidates[$0].id
            )
        }
        var spent = 0
        for index in order where spent + plan.candidates[index].cost <= budget {
            spent += plan.candidates[index].cost
            plan.candidates[index].isChosen = true
            accumulated[plan.candidates[index].id] = nil
        }
    }

    /// The "any changed" bit plus a spawn count that fits one varint byte.
    private static var fixedBodyBits: Int { 1 + 8 }
    private static var nanosecondsPerMillisecond: Int64 { 1_000_000 }
}

/// A change that competes for a snapshot's budget.
struct SnapshotCandidate {
    var id: EntityID
    /// Where the entity is in the host's table.
    var tableIndex: Int
    /// Its entry in the baseline, or `nil` for a spawn.
    var baselineIndex: Int?
    /// Bits it costs.
    var cost: Int
    var priority = 0.0
    var isChosen = false
}

/// What happens to each baseline entity and which changes compete, found by walking the
/// baseline and the host's table together in id order.
struct SnapshotPlan {
    /// What the snapshot says about one baseline entity.
    enum Fate {
        case unchanged
        case despawned
        /// Changed: candidate number `candidate` carries the update.
        case updated(candidate: Int)
    }

    var fates: [Fate] = []
    var candidates: [SnapshotCandidate] = []
    /// Mask bits the despawns cost (one per field).
    var despawnedFieldBits = 0
    var anyDespawned = false

    init(baseline: [ViewedEntity], table: EntityTable, isRelevant: ((Int) -> Bool)?) {
        fates.reserveCapacity(baseline.count)
        var next = 0
        for (baselineIndex, old) in baseline.enumerated() {
            while next < table.count, table.ids[next] < old.id {
                addSpawn(at: next, table: table, isRelevant: isRelevant)
                next += 1
            }
            guard next < table.count, table.ids[next] == old.id else {
                despawn(old)
                continue
            }
            let index = next
            next += 1
            guard isRelevant?(index) ?? true else {
                despawn(old)
                continue
            }
            let record = table.records[index]
            guard record != old.record else {
                fates.append(.unchanged)
                continue
            }
            fates.append(.updated(candidate: candidates.count))
            candidates.append(
                SnapshotCandidate(
                    id: old.id, tableIndex: index, baselineIndex: baselineIndex,
                    cost: SnapshotCodec.updateCost(record, against: old.record)))
        }
        while next < table.count {
            addSpawn(at: next, table: table, isRelevant: isRelevant)
            next += 1
        }
    }

    private mutating func despawn(_ old: ViewedEntity) {
        fates.append(.despawned)
        despawnedFieldBits += old.record.fields.count
        anyDespawned = true
    }

    private mutating func addSpawn(at index: Int, table: EntityTable, isRelevant: ((Int) -> Bool)?) {
        guard isRelevant?(index) ?? true else { return }
        let id = table.ids[index]
        candidates.append(
            SnapshotCandidate(
                id: id, tableIndex: index, baselineIndex: nil,
                cost: SnapshotCodec.spawnCost(id, table.records[index])))
    }

    /// Writes the body (see ``SnapshotCodec``) and returns the view it leaves the client
    /// with: the baseline without its despawns, with the chosen updates and spawns.
    func write(to writer: inout BitWriter, baseline: [ViewedEntity], table: EntityTable) -> [ViewedEntity] {
        let anyChanged = anyDespawned || candidates.contains { $0.isChosen && $0.baselineIndex != nil }
        writer.writeBool(anyChanged)
        if anyChanged {
            for (index, old) in baseline.enumerated() {
                switch fates[index] {
                case .unchanged:
                    writer.writeBool(false)
                case .despawned:
                    writer.writeBool(true)
                    SnapshotCodec.writeDespawn(old.record, to: &writer)
                case .updated(let candidate):
                    let chosen = candidates[candidate].isChosen
                    writer.writeBool(chosen)
                    if chosen {
                        SnapshotCodec.writeUpdate(
                            table.records[candidates[candidate].tableIndex], against: old.record, to: &writer)
                    }
                }
            }
        }
        // Spawn candidates were found in id order; the chosen ones keep it.
        let spawns = candidates.filter { $0.isChosen && $0.baselineIndex == nil }
        writer.writeVarUInt(UInt64(spawns.count))
        var previous: UInt32 = 0
        for spawn in spawns {
            SnapshotCodec.writeSpawn(table.records[spawn.tableIndex], gap: spawn.id.value - previous, to: &writer)
            previous = spawn.id.value
        }

        var view: [ViewedEntity] = []
        view.reserveCapacity(baseline.count + spawns.count)
        var nextSpawn = 0
        for (index, old) in baseline.enumerated() {
            while nextSpawn < spawns.count, spawns[nextSpawn].id < old.id {
                view.append(ViewedEntity(id: spawns[nextSpawn].id, record: table.records[spawns[nextSpawn].tableIndex]))
                nextSpawn += 1
            }
            switch fates[index] {
            case .unchanged:
                view.append(old)
            case .despawned:
                continue
            case .updated(let candidate):
                let chosen = candidates[candidate]
                view.append(chosen.isChosen ? ViewedEntity(id: old.id, record: table.records[chosen.tableIndex]) : old)
            }
        }
        for spawn in spawns[nextSpawn...] {
            view.append(ViewedEntity(id: spawn.id, record: table.records[spawn.tableIndex]))
        }
        return view
    }
}
