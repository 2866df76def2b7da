import SkirmishCore

/// The bullets a client flies from the host's `BulletFired` events.
///
/// A bullet's position at any (fractional) tick is `origin + velocity × age`, so a late event
/// is simply drawn where the bullet is by now (fast-forwarded), and drawing it at the same
/// render tick as the interpolated creeps keeps shots and targets in step. A bullet is hidden
/// once it meets a drawn creep; the host decides the kill, and the creep's despawn follows.
struct BulletTrack: Sendable {
    /// Most bullets kept: four players at five shots a second over a 1.33 s lifetime is 27;
    /// anything beyond is a flood the track refuses.
    static let capacity = 256

    private var flights: [BulletFired] = []
    private var spent: Set<BulletID> = []
    private(set) var added = 0

    mutating func add(_ shot: BulletFired) {
        guard flights.count < Self.capacity, !flights.contains(where: { $0.id == shot.id }) else { return }
        flights.append(shot)
        added += 1
    }

    /// The shots still flying at `tick` that have not met a drawn creep: what a client that
    /// takes over as host continues (the old host already spent the others on their creeps).
    func inFlight(at tick: UInt32) -> [BulletFired] {
        flights.filter { !spent.contains($0.id) && $0.age(at: tick) < SkirmishRules.bulletLifetimeTicks }
    }

    mutating func removeAll() {
        flights.removeAll()
        spent.removeAll()
    }

    /// The bullets at render tick `render`, each checked against `creeps` along the stretch
    /// it flew since the previous tick; expired and spent bullets are dropped.
    mutating func advance(to render: Double, creeps: [CreepView]) -> [BulletView] {
        let lifetime = Double(SkirmishRules.bulletLifetimeTicks)
        flights.removeAll { render - Double($0.tick) >= lifetime }
        spent = spent.filter { id in flights.contains { $0.id == id } }
        let reach = SkirmishRules.creepRadius + SkirmishRules.bulletRadius
        var drawn: [BulletView] = []
        for shot in flights where !spent.contains(shot.id) {
            let age = Float(render - Double(shot.tick))
            guard age >= 0 else { continue }
            let x = shot.originX + shot.velocityX * age
            let y = shot.originY + shot.velocityY * age
            let hit = creeps.contains { creep in
                let dx = creep.x - x
                let dy = creep.y - y
                return dx * dx + dy * dy < reach * reach
            }
            if hit {
                spent.insert(shot.id)
                continue
            }
            guard (0...SkirmishRules.arenaWidth).contains(x), (0...SkirmishRules.arenaHeight).contains(y) else {
                continue
            }
            drawn.append(BulletView(shooter: shot.shooter, x: x, y: y))
        }
        return drawn
    }
}
