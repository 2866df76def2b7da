import Testing

@testable import SkirmishCore

@Suite struct CreepTests {
    @Test func creepChasesTheNearestLivingPlayer() {
        var world = World.quiet(players: [alice, bob])
        world.place(alice, x: 200, y: 450)
        world.place(bob, x: 1400, y: 450)
        world.placeCreep(x: 500, y: 450, speed: 2)  // nearer alice
        world.placeCreep(x: 1000, y: 450, speed: 2)  // nearer bob
        world.run(10)
        #expect(world.creeps[0].x == 480)
        #expect(world.creeps[1].x == 1020)
        #expect(world.creeps.allSatisfy { $0.y == 450 })
    }

    @Test func creepIgnoresPlayersWhoAreOut() {
        var world = World.quiet(players: [alice, bob])
        world.place(alice, x: 400, y: 450)
        world.place(bob, x: 1400, y: 450)
        world.seats[world.seat(of: alice)!]?.lives = 0
        world.placeCreep(x: 500, y: 450, speed: 2)
        world.run(1)
        #expect(world.creeps[0].x == 502)
    }

    @Test func contactCostsALifeAndGivesInvulnerability() {
        var world = World.quiet()
        world.place(alice, x: 800, y: 450)
        world.placeCreep(x: 800 + SkirmishRules.playerRadius + SkirmishRules.creepRadius + 1, y: 450, speed: 2)
        let events = world.run(1)
        #expect(events == [.playerHit(alice, livesLeft: SkirmishRules.startingLives - 1)])
        #expect(world.player(alice)!.lives == SkirmishRules.startingLives - 1)
        #expect(world.player(alice)!.invulnerableTicks == SkirmishRules.invulnerabilityTicks)
        #expect(world.creeps.isEmpty)  // the creep spends itself

        // While invulnerable a creep on top of the player does nothing.
        world.placeCreep(x: 800, y: 450)
        #expect(world.run(SkirmishRules.invulnerabilityTicks - 1).isEmpty)
        #expect(world.player(alice)!.lives == SkirmishRules.startingLives - 1)
        #expect(world.run(1) == [.playerHit(alice, livesLeft: SkirmishRules.startingLives - 2)])
    }

    @Test func creepStateSurvivesTheWireWithinAStep() throws {
        let creep = Creep(id: 9, x: 123.456, y: 789.012, speed: 2.3)
        let decoded = try throughTheWire(creep)
        #expect(decoded.id == 9)
        #expect(abs(decoded.x - creep.x) <= 1.0 / 32 && abs(decoded.y - creep.y) <= 1.0 / 32)
        #expect(abs(decoded.speed - creep.speed) <= 1.0 / 128)
    }
}
