import Netplay
import NetplayReplication
import NetplayWire

/// Names a bullet on every peer: a player fires at most once a tick, so shooter and tick
/// identify a shot without any counter to keep in step.
@NetMessage
public struct BulletID: Hashable, Comparable, CustomStringConvertible {
    /// Who fired.
    public var shooter: PlayerID
    /// The tick it was fired on.
    public var tick: Tick

    /// Bullets are simulated oldest first, then by shooter, so every peer resolves two bullets
    /// reaching one creep in the same tick the same way, whatever order their events arrived in.
    public static func < (lhs: BulletID, rhs: BulletID) -> Bool {
        (lhs.tick, lhs.shooter) < (rhs.tick, rhs.shooter)
    }

    public var description: String { "bullet(\(shooter)@\(tick))" }
}

/// A shot, as an event: everything any peer needs to simulate the bullet for its whole flight.
///
/// Bullets are not replicated as moving state; this one reliable message is. Its position at
/// tick `t` is `origin + velocity × (t − tick)`, so a peer that hears of it late computes the
/// same position as one that heard on time (see ``World/apply(bulletFired:)``).
@NetMessage
public struct BulletFired: Hashable {
    /// Who fired; they score if it kills.
    public var shooter: PlayerID
    /// The tick the bullet was at its origin.
    public var tick: Tick
    /// Origin x, world units.
    @Quantized<ArenaX> public var originX: Float
    /// Origin y, world units.
    @Quantized<ArenaY> public var originY: Float
    /// Velocity x, world units per tick.
    @Quantized<BulletVelocity> public var velocityX: Float
    /// Velocity y, world units per tick.
    @Quantized<BulletVelocity> public var velocityY: Float

    /// Creates an event; values are rounded to their wire formats at once, so the peer that
    /// fires simulates exactly the numbers the others decode.
    public init(shooter: PlayerID, tick: Tick, originX: Float, originY: Float, velocityX: Float, velocityY: Float) {
        self.shooter = shooter
        self.tick = tick
        self.originX = ArenaX.format.snapped(originX)
        self.originY = ArenaY.format.snapped(originY)
        self.velocityX = BulletVelocity.format.snapped(velocityX)
        self.velocityY = BulletVelocity.format.snapped(velocityY)
    }

    /// The bullet's identity.
    public var id: BulletID { BulletID(shooter: shooter, tick: tick) }

    /// Ticks since firing at `now`; negative before the bullet's tick.
    public func age(at now: Tick) -> Int { Int(now) - Int(tick) }

    /// Where the bullet is at tick `now` (its origin for ticks before it was fired).
    public func position(at now: Tick) -> (x: Float, y: Float) {
        let age = Float(max(self.age(at: now), 0))
        return (originX + velocityX * age, originY + velocityY * age)
    }
}

/// A tick number. At 30 Hz a `UInt32` lasts four and a half years of play, and arithmetic on
/// ticks from the network cannot overflow once widened to `Int`.
public typealias Tick = UInt32
