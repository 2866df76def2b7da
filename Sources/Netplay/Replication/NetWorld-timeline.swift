import NetplayReplication

/// Where in the host's simulation a world's entities are: for drawing things that are not
/// entities (a bullet flown from a tick event) at the same moment as the entities, and for
/// checking what a client drew against what the host had.
extension NetWorld {
    /// On a client, the fractional host step ``entities`` were interpolated at by the last
    /// ``update(perTick:)``: a little in the past, so two snapshots surround it. Draw anything
    /// the game simulates itself from tick events (bullets) at this step too, and it stays in
    /// step with the entities it meets. `nil` on the host and before the first snapshot.
    public var renderTick: Double? {
        guard case .client(let client) = role else { return nil }
        return client.renderTick
    }

    /// The newest host step this world knows: on the host, the steps run; on a client, that
    /// of the newest snapshot received (`nil` before the first).
    public var newestTick: Int? {
        switch role {
        case .host(let host): Int(host.replication.tick.value)
        case .client(let client): client.newestTick.map { Int($0.value) }
        }
    }

    /// On a client, the host step its own entities are predicted to (the step its input of
    /// this frame will be applied at); `nil` on the host or before prediction starts.
    public var predictedTick: Int? {
        guard case .client(let client) = role else { return nil }
        return client.predictedTick.map { Int($0.value) }
    }

    /// On a client, the host's entities exactly as the snapshot for step `tick` carried them
    /// (not interpolated, not predicted), while the world keeps it (about a second); `nil`
    /// if it never arrived, is too old, or on the host. For checking a client's screen against
    /// the host's truth.
    public func receivedEntities(atTick tick: Int) -> [NetEntity<State>]? {
        guard case .client(let client) = role, let value = UInt32(exactly: tick) else { return nil }
        return client.receivedEntities(at: Tick(value), localPeer: session.withCore { $0.localPeer })
    }

    /// What the world has done so far: steps, snapshots, loss and prediction corrections.
    public var statistics: NetWorldStatistics {
        switch role {
        case .host(let host): host.statistics
        case .client(let client): client.statistics
        }
    }
}
