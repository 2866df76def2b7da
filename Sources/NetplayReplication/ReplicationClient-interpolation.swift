import NetplayBase

/// Drawing replicated entities between snapshots.
extension ReplicationClient where State: Interpolatable {
    /// Most time drawn past the newest snapshot before entities stop moving: 100 ms.
    /// Longer guesses are wrong more often than standing still is.
    static var maxExtrapolationSeconds: Double { 0.1 }

    /// The entities to draw at `now`: interpolated between the two snapshots around the
    /// timeline's render tick, or, when snapshots are late, extrapolated from the last two
    /// for at most 100 ms (longer guesses are wrong more often than standing still is).
    ///
    /// An entity is drawn only when both surrounding snapshots hold it, so it never appears
    /// before the snapshot that spawned it nor lingers after the one that removed it.
    /// - Parameter now: Time since the origin every call of this client uses.
    public func interpolatedEntities(at now: Duration) -> [ReplicatedEntity<State>] {
        interpolatedEntities(at: NetInstant.zero + now)
    }

    /// ``interpolatedEntities(at:)`` at a session's instant.
    package func interpolatedEntities(at now: NetInstant) -> [ReplicatedEntity<State>] {
        guard let render = timeline.renderTick(at: now) else { return [] }
        return interpolatedEntities(atTick: render)
    }

    /// The entities interpolated at a fractional host tick (see ``interpolatedEntities(at:)``).
    public func interpolatedEntities(atTick render: Double) -> [ReplicatedEntity<State>] {
        let ticks = views.keys.sorted()
        guard let first = ticks.first, Double(first.value) <= render else { return [] }
        let beforeIndex = ticks.lastIndex { Double($0.value) <= render } ?? 0
        let before = ticks[beforeIndex]
        if beforeIndex + 1 < ticks.count {
            let after = ticks[beforeIndex + 1]
            let fraction = (render - Double(before.value)) / Double(before.distance(to: after))
            return blend(from: before, to: after, fraction: fraction)
        }
        guard beforeIndex > 0 else { return views[before].map { Self.entities(of: $0) } ?? [] }
        let previous = ticks[beforeIndex - 1]
        let limit = Double(before.value) + Self.maxExtrapolationSeconds / configuration.tickRate.secondsPerTick
        let fraction = (min(render, limit) - Double(previous.value)) / Double(previous.distance(to: before))
        return blend(from: previous, to: before, fraction: fraction, keepNewcomers: true)
    }

    /// Entities of both views, blended. With `keepNewcomers` (extrapolating) an entity only
    /// in the newer view is drawn still; otherwise it waits for the next snapshot.
    private func blend(from older: Tick, to newer: Tick, fraction: Double, keepNewcomers: Bool = false)
        -> [ReplicatedEntity<State>]
    {
        guard let start = views[older], let end = views[newer] else { return [] }
        // Both views are sorted by id: one walk pairs each entity with its older self.
        var result: [ReplicatedEntity<State>] = []
        result.reserveCapacity(end.entities.count)
        var origin = 0
        for (index, target) in end.entities.enumerated() {
            while origin < start.entities.count, start.entities[origin].id < target.id { origin += 1 }
            let state: State
            if origin < start.entities.count, start.entities[origin].id == target.id {
                state = start.states[origin].interpolated(to: end.states[index], fraction: fraction)
            } else if keepNewcomers {
                state = end.states[index]
            } else {
                continue
            }
            result.append(
                ReplicatedEntity(id: target.id, kind: target.record.kind, owner: target.record.owner, state: state))
        }
        return result
    }
}
