import Testing

@testable import SkirmishCore

@Suite struct GameFlowTests {
    @Test func gameIsOverWhenEveryPlayerIsOutAndAShotRestartsIt() {
        var world = World.quiet(players: [alice, bob])
        world.seats[world.seat(of: bob)!]?.lives = 0
        world.seats[world.seat(of: alice)!]?.lives = 1
        world.seats[world.seat(of: alice)!]?.score = 50
        world.wave = 4
        world.place(alice, x: 800, y: 450)
        world.placeCreep(x: 810, y: 450)
        let events = world.run(1)
        #expect(events == [.playerHit(alice, livesLeft: 0), .gameOver(wave: 4)])
        #expect(world.phase == .gameOver(since: world.tick))

        // A shot during the hold does not restart; one after it does.
        let shoot = [alice: PlayerInput(shoot: true)]
        #expect(world.run(SkirmishRules.gameOverHoldTicks - 1, inputs: shoot).isEmpty)
        #expect(world.run(1, inputs: shoot) == [.restarted])
        #expect(world.phase == .playing)
        #expect(world.wave == 0)
        #expect(world.creeps.isEmpty && world.bullets.isEmpty)
        #expect(world.players.allSatisfy { $0.lives == SkirmishRules.startingLives && $0.score == 0 })
        #expect(
            world.run(SkirmishRules.firstWaveDelayTicks).contains(
                .waveStarted(wave: 1, creeps: SkirmishRules.firstWaveCreeps)))
    }

    @Test func leavingFreesTheSeatForTheNextPlayer() {
        var world = World(seed: 1)
        let ids = (1...5).map { PlayerID(UInt32($0)) }
        #expect(ids.map { world.addPlayer($0) } == [0, 1, 2, 3, nil])
        #expect(world.isFull)
        #expect(world.addPlayer(ids[1]) == 1)  // already in: same seat
        #expect(world.removePlayer(ids[1]) == true)
        #expect(world.removePlayer(ids[1]) == false)
        #expect(world.player(ids[1]) == nil)
        #expect(world.addPlayer(ids[4]) == 1)
        #expect(world.players.map(\.id) == [ids[0], ids[4], ids[2], ids[3]])
    }

    @Test func lastPlayerLeavingEmptiesTheWorld() {
        var world = World(seed: 1)
        world.addPlayer(alice)
        world.run(200)
        #expect(world.wave == 1 && !world.creeps.isEmpty)
        world.removePlayer(alice)
        #expect(world.phase == .waitingForPlayers)
        #expect(world.creeps.isEmpty && world.wave == 0)
        world.run(200)
        #expect(world.creeps.isEmpty)
    }

    @Test func nobodyMovesBeforeAnyoneJoins() {
        var world = World(seed: 1)
        #expect(world.run(100).isEmpty)
        #expect(world.tick == 100)
        #expect(world.phase == .waitingForPlayers)
    }
}
