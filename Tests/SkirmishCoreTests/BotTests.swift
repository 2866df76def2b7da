import Testing

@testable import SkirmishCore

@Suite struct BotTests {
    private let bot = Bot(playerID: alice)

    @Test func aimsAtTheNearestCreepAndShootsInRange() throws {
        var world = World.quiet()
        world.place(alice, x: 800, y: 450)
        world.placeCreep(x: 800, y: 850)  // 400 below
        world.placeCreep(x: 1500, y: 450)  // 700 right
        let input = bot.input(in: world)
        let aim = try #require(input.aim)
        #expect(abs(aim - Float.pi / 2) < 0.002)
        #expect(input.shoot)
    }

    @Test func holdsFireAtCreepsOutOfRange() {
        var world = World.quiet()
        world.place(alice, x: 30, y: 450)
        world.placeCreep(x: 1580, y: 450)
        #expect(!bot.input(in: world).shoot)
    }

    @Test func backsAwayFromACloseCreep() {
        var world = World.quiet()
        world.place(alice, x: 800, y: 450)
        world.placeCreep(x: 880, y: 450)
        let input = bot.input(in: world)
        #expect(input.moveX == -1 && input.moveY == 0)
    }

    @Test func keepsOffTheWallsWhenNothingThreatens() {
        var world = World.quiet()
        world.place(alice, x: 20, y: 880)
        let input = bot.input(in: world)
        #expect(input.moveX == 1 && input.moveY == -1)
    }

    @Test func asksForARestartWhenTheGameIsOver() {
        var world = World.quiet()
        world.phase = .gameOver(since: 0)
        #expect(bot.input(in: world).shoot)
    }

    @Test func doesNothingWhenOut() {
        var world = World.quiet(players: [alice, bob])
        world.seats[world.seat(of: alice)!]?.lives = 0
        world.placeCreep(x: 900, y: 450)
        #expect(bot.input(in: world) == .idle)
    }
}
