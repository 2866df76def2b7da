import Netplay

@testable import SkirmishCore

let alice = PlayerID(1)
let bob = PlayerID(2)

/// Long enough that no wave starts during a test that places its own creeps.
let noWavesForAges = 1_000_000

extension World {
    /// A world with `ids` joined, no waves coming, and every player vulnerable and ready:
    /// a clean table for a test to place creeps and bullets on.
    static func quiet(seed: UInt64 = 7, players ids: [PlayerID] = [alice]) -> World {
        var world = World(seed: seed)
        for id in ids { world.addPlayer(id) }
        world.waveCountdown = noWavesForAges
        for index in world.seats.indices { world.seats[index]?.invulnerableTicks = 0 }
        return world
    }

    /// Moves player `id` to (`x`, `y`).
    mutating func place(_ id: PlayerID, x: Float, y: Float) {
        let index = seat(of: id)!
        seats[index]?.x = x
        seats[index]?.y = y
    }

    /// Puts a creep at (`x`, `y`) moving `speed` units a tick; returns its id.
    @discardableResult
    mutating func placeCreep(x: Float, y: Float, speed: Float = 0) -> UInt32 {
        let id = nextCreepID
        nextCreepID += 1
        creeps.append(Creep(id: id, x: x, y: y, speed: speed))
        return id
    }

    /// Steps `count` ticks with the same inputs; returns every event.
    @discardableResult
    mutating func run(_ count: Int, inputs: [PlayerID: PlayerInput] = [:]) -> [GameEvent] {
        (0..<count).flatMap { _ in step(inputs: inputs) }
    }
}

/// Round-trips a message through Netplay's binary wire coder.
func throughTheWire<M: NetMessage>(_ message: M) throws -> M {
    var writer = BitWriter()
    try message.encode(to: &writer)
    var reader = BitReader(writer.finish())
    return try M(from: &reader)
}
