import NetplayReplication

/// A bullet in flight, for drawing: the shot that made it and where it is now.
public struct Bullet: Hashable, Sendable {
    /// The event the bullet is simulated from.
    public let fired: BulletFired
    /// Centre x at the world's current tick, world units.
    public internal(set) var x: Float
    /// Centre y at the world's current tick, world units.
    public internal(set) var y: Float

    /// The bullet's identity.
    public var id: BulletID { fired.id }

    init(fired: BulletFired, at now: Tick) {
        self.fired = fired
        (x, y) = fired.position(at: now)
    }
}
