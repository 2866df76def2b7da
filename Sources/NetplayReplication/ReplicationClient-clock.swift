import NetplayBase

/// Where the host's simulation is, as this client estimates it from snapshot round trips.
extension ReplicationClient {
    /// The step to stamp an input made at `now` with (``recordInput(_:at:)``): the host's
    /// current step plus half a round trip and a margin for jitter, so the input arrives
    /// before the host runs that step. `nil` until the first snapshot that echoes one of this
    /// client's packets has arrived.
    /// - Parameter now: Time since the origin every call of this client uses.
    public func inputTick(at now: Duration) -> Tick? {
        clock.inputTick(at: NetInstant.zero + now)
    }

    /// The host's step at `now`, fractional, or `nil` before the first round trip.
    public func hostTick(at now: Duration) -> Double? {
        clock.hostTick(at: NetInstant.zero + now)
    }

    /// The fractional host step ``interpolatedEntities(at:)`` draws at `now`: a little in
    /// the past, so two snapshots usually surround it. Draw what the game simulates itself
    /// (bullets from a ``TickedEvent``) at this step too. `nil` before the first snapshot.
    public func renderTick(at now: Duration) -> Double? {
        timeline.renderTick(at: NetInstant.zero + now)
    }

    /// The round trip to the host, net of the host's hold time, from the least delayed of
    /// the recent snapshots; `nil` before the first.
    public var roundTrip: Duration? { clock.roundTrip }
}
