import Testing

@testable import SkirmishCore

@Suite struct BulletTests {
    private let fireRight = PlayerInput(shoot: true, aim: 0)

    @Test func bulletKillsTheCreepAndTheShooterScores() {
        var world = World.quiet()
        world.place(alice, x: 400, y: 450)
        let creep = world.placeCreep(x: 700, y: 450)
        var events = world.step(inputs: [alice: fireRight])
        guard case .bulletFired(let fired) = events.first else {
            Issue.record("no shot in \(events)")
            return
        }
        #expect(fired.shooter == alice && fired.tick == world.tick)
        #expect(fired.velocityX == SkirmishRules.bulletSpeed && fired.velocityY == 0)
        events = world.run(20)
        #expect(events == [.creepKilled(creep: creep, by: alice)])
        #expect(world.creeps.isEmpty)
        #expect(world.bullets.isEmpty)
        #expect(world.player(alice)!.score == SkirmishRules.scorePerCreep)
    }

    @Test func fastBulletCannotSkipThroughACreepBetweenTicks() {
        var world = World.quiet()
        world.place(alice, x: 400, y: 450)
        // Bullet positions are 400, 424, 448…; a creep centred between two of them, off by
        // more than the reach from both, is still on the path.
        world.placeCreep(x: 436, y: 450 + SkirmishRules.creepRadius)
        world.run(1, inputs: [alice: fireRight])
        #expect(world.run(1).isEmpty)  // 400 → 424 passes clear
        #expect(world.run(1).count == 1)  // 424 → 448 passes through its centre
        #expect(world.creeps.isEmpty)
    }

    @Test func cooldownLimitsTheFireRate() {
        var world = World.quiet()
        let events = world.run(SkirmishRules.fireCooldownTicks * 5, inputs: [alice: fireRight])
        let shots = events.filter { if case .bulletFired = $0 { true } else { false } }
        #expect(shots.count == 5)
    }

    @Test func bulletExpiresAfterItsLifetime() {
        var world = World.quiet()
        world.place(alice, x: 100, y: 450)
        world.run(1, inputs: [alice: fireRight])
        world.run(SkirmishRules.bulletLifetimeTicks - 1)
        #expect(world.bullets.count == 1)
        world.run(1)
        #expect(world.bullets.isEmpty)
    }

    @Test func lateEventIsFastForwardedToWhereAnOnTimeOneWouldBe() {
        var shooter = World.quiet(players: [alice, bob])
        var onTime = shooter
        var late = shooter
        shooter.run(3)
        let events = shooter.step(inputs: [alice: PlayerInput(shoot: true, aim: 0.7)])
        guard case .bulletFired(let fired) = events.first else {
            Issue.record("no shot")
            return
        }
        // One peer hears of the shot at its tick, the other 9 ticks later.
        onTime.run(4)
        #expect(onTime.apply(bulletFired: fired) == .added)
        onTime.run(9)
        late.run(13)
        #expect(late.apply(bulletFired: fired) == .added)
        #expect(late.bullets == onTime.bullets)
        #expect(late.bullets.first?.x == fired.originX + fired.velocityX * 9)
        // Twelve ticks on they agree exactly with each other and with the shooter.
        shooter.run(9)
        #expect(late.bullets == shooter.bullets)
    }

    @Test func bulletEventSurvivesTheWireExactly() throws {
        var world = World.quiet()
        guard case .bulletFired(let fired) = world.step(inputs: [alice: PlayerInput(shoot: true, aim: 2.2)]).first
        else {
            Issue.record("no shot")
            return
        }
        #expect(try throughTheWire(fired) == fired)
    }

    @Test func duplicateAndOwnEventsAreNotSimulatedTwice() {
        var world = World.quiet()
        guard case .bulletFired(let fired) = world.step(inputs: [alice: fireRight]).first else {
            Issue.record("no shot")
            return
        }
        #expect(world.apply(bulletFired: fired) == .duplicate)
        #expect(world.bullets.count == 1)
    }

    @Test func untrustworthyEventsAreRejected() {
        var world = World.quiet()
        world.run(100)
        let base = BulletFired(shooter: alice, tick: 100, originX: 50, originY: 50, velocityX: 24, velocityY: 0)
        var stranger = base
        stranger.shooter = PlayerID(99)
        #expect(world.apply(bulletFired: stranger) == .rejected(.unknownShooter))
        var fast = base
        fast.velocityX = 30
        #expect(world.apply(bulletFired: fast) == .rejected(.tooFast))
        var ahead = base
        ahead.tick = 100 + Tick(SkirmishRules.maxBulletLeadTicks) + 1
        #expect(world.apply(bulletFired: ahead) == .rejected(.tooFarAhead))
        var old = base
        old.tick = 100 - Tick(SkirmishRules.bulletLifetimeTicks)
        #expect(world.apply(bulletFired: old) == .expired)
        #expect(world.bullets.isEmpty)
    }

    @Test func eventFromAPeerAheadWaitsForItsTick() {
        var world = World.quiet()
        let fired = BulletFired(
            shooter: alice, tick: world.tick + 3, originX: 100, originY: 100, velocityX: 24, velocityY: 0)
        #expect(world.apply(bulletFired: fired) == .added)
        world.run(2)
        #expect(world.bullets.isEmpty)
        world.run(1)
        #expect(world.bullets.map(\.x) == [100])
        world.run(1)
        #expect(world.bullets.map(\.x) == [124])
    }

    @Test func eventsAppliedInAnyOrderGiveTheSameWorld() {
        var world = World.quiet(players: [alice, bob])
        world.run(5)
        world.placeCreep(x: 500, y: 300)
        // Both bullets reach the creep on the same tick; the older shot (then lower id) wins.
        let shots = [
            BulletFired(shooter: bob, tick: 4, originX: 500, originY: 300 - 24 * 3, velocityX: 0, velocityY: 24),
            BulletFired(shooter: alice, tick: 4, originX: 500, originY: 300 + 24 * 3, velocityX: 0, velocityY: -24),
            BulletFired(shooter: alice, tick: 5, originX: 100, originY: 100, velocityX: 24, velocityY: 0),
        ]
        var forward = world
        var backward = world
        for shot in shots { forward.apply(bulletFired: shot) }
        for shot in shots.reversed() { backward.apply(bulletFired: shot) }
        #expect(forward.stateHash == backward.stateHash)
        let events = forward.run(3)
        backward.run(3)
        #expect(forward.stateHash == backward.stateHash)
        #expect(events == [.creepKilled(creep: 1, by: alice)])
        #expect(forward.player(alice)!.score == SkirmishRules.scorePerCreep)
    }
}
