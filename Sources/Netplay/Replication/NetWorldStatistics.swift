/// What a ``NetWorld`` has done so far, cheap enough to read every frame (for a HUD or an
/// end-of-game report).
public struct NetWorldStatistics: Sendable, Hashable {
    /// Simulation steps run: on the host, steps of the world; on a client, ticks it
    /// predicted its own entities through.
    public var ticks = 0
    /// Snapshots the host sent (one per client per step), or a client accepted.
    public var snapshots = 0
    /// On a client, the share of the host's steps since the first snapshot whose snapshot
    /// never arrived or came too late to use (0…1). Interpolation hides a few percent.
    public var snapshotLoss = 0.0
    /// On a client, reconciliations that moved one of its predicted entities: the host
    /// disagreed with the prediction (another player pushed, a step rule that differs).
    public var corrections = 0
    /// The largest of those corrections, in the state's own `Interpolatable.distance(to:)`.
    public var largestCorrection = 0.0
}
