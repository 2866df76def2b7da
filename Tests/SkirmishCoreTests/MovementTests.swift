import Testing

@testable import SkirmishCore

@Suite struct MovementTests {
    @Test func playerMovesAtFixedSpeed() {
        var world = World.quiet()
        let start = world.player(alice)!
        world.run(3, inputs: [alice: PlayerInput(moveX: 1)])
        #expect(world.player(alice)!.x == start.x + 3 * SkirmishRules.playerSpeed)
        #expect(world.player(alice)!.y == start.y)
    }

    @Test func diagonalIsNoFasterThanStraight() {
        var world = World.quiet()
        let start = world.player(alice)!
        world.run(1, inputs: [alice: PlayerInput(moveX: -1, moveY: 1)])
        let moved = world.player(alice)!
        let dx = moved.x - start.x
        let dy = moved.y - start.y
        // Within the rounding to the 1/16-unit wire grid on each axis.
        #expect(abs((dx * dx + dy * dy).squareRoot() - SkirmishRules.playerSpeed) <= 1.0 / 16)
    }

    @Test func playerIsClampedToTheArena() {
        var world = World.quiet()
        world.run(300, inputs: [alice: PlayerInput(moveX: 1, moveY: -1)])
        #expect(world.player(alice)!.x == SkirmishRules.arenaWidth - SkirmishRules.playerRadius)
        #expect(world.player(alice)!.y == SkirmishRules.playerRadius)
        world.run(300, inputs: [alice: PlayerInput(moveX: -1, moveY: 1)])
        #expect(world.player(alice)!.x == SkirmishRules.playerRadius)
        #expect(world.player(alice)!.y == SkirmishRules.arenaHeight - SkirmishRules.playerRadius)
    }

    @Test func outOfRangeKeyValuesCountAsTheirSign() {
        var world = World.quiet()
        let start = world.player(alice)!
        world.run(1, inputs: [alice: PlayerInput(moveX: 100)])
        #expect(world.player(alice)!.x == start.x + SkirmishRules.playerSpeed)
    }

    @Test func facingFollowsMovementThenAim() {
        var world = World.quiet()
        world.run(1, inputs: [alice: PlayerInput(moveY: 1)])
        #expect(abs(world.player(alice)!.facing - Float.pi / 2) < 1e-6)
        world.run(1, inputs: [alice: PlayerInput(moveX: 1, aim: -1)])
        let byteAngleStep = 2 * Float.pi / 256  // facing is kept on its 8-bit wire grid
        #expect(abs(world.player(alice)!.facing - -1) <= byteAngleStep / 2)
        world.run(1)
        #expect(abs(world.player(alice)!.facing - -1) <= byteAngleStep / 2)  // standing still keeps it
    }

    @Test func inputSurvivesTheWireExactly() throws {
        let input = PlayerInput(moveX: -1, moveY: 1, shoot: true, aim: 2.345)
        #expect(try throughTheWire(input) == input)
        #expect(try throughTheWire(PlayerInput.idle) == .idle)
    }
}
