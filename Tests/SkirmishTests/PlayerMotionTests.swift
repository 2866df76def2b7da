import Testing

@testable import SkirmishCore
@testable import SkirmishNet

/// The client predicts its own player with `PlayerMotion`; if it ever differs from the world's
/// own movement, every tick becomes a correction. This pins the two together.
@Suite("Prediction step")
struct PlayerMotionTests {
    @Test func predictionMovesExactlyAsTheWorldDoes() {
        var world = World(seed: 11)
        let me = PlayerID(7)
        world.addPlayer(me)
        var random = SeededRandom(seed: 11)
        var predicted = ReplicatedUnit(player: world.player(me)!)
        // 600 ticks (20 s) of random keys, including diagonals and running into the walls.
        for _ in 0..<600 {
            let input = PlayerInput(
                moveX: Int8.random(in: -1...1, using: &random), moveY: Int8.random(in: -1...1, using: &random))
            predicted = PlayerMotion.step(predicted, input, playing: world.phase == .playing)
            _ = world.step(inputs: [me: input])
            guard let actual = world.player(me), actual.isAlive else { break }
            predicted.lives = UInt8(actual.lives)
            #expect(predicted.x == actual.x && predicted.y == actual.y, "tick \(world.tick)")
        }
    }
}

/// SkirmishCore's own seeded generator, so the test presses the same keys every run.
typealias SeededRandom = SplitMix64
