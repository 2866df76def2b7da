/// What ``World/apply(bulletFired:)`` did with a bullet event from another peer.
public enum BulletApplyOutcome: Hashable, Sendable {
    /// The bullet flies, fast-forwarded to the world's tick (or held until its tick comes).
    case added
    /// The world already has (or had) this bullet; nothing changed.
    case duplicate
    /// The bullet's lifetime ended before the world's tick; nothing to simulate.
    case expired
    /// The event cannot be right, so it was ignored: a peer sent nonsense or cheats.
    case rejected(Reason)

    /// Why an event was rejected.
    public enum Reason: Hashable, Sendable {
        /// The shooter is not in this game.
        case unknownShooter
        /// The bullet is faster than ``SkirmishRules/bulletSpeed``.
        case tooFast
        /// The bullet is stamped more than ``SkirmishRules/maxBulletLeadTicks`` ahead.
        case tooFarAhead
        /// The game is not being played (waiting for players, or over).
        case notPlaying
    }
}
