import NetplayReplication

/// The whole Skirmish game as a value: an arena, up to four players, waves of creeps and the
/// bullets in flight, advanced one fixed tick at a time by ``step(inputs:)``.
///
/// The world does no I/O and reads no clock: the same seed, the same joins and the same inputs
/// give the same world on every peer, bit for bit (compare ``stateHash``). A front end owns one,
/// steps it ``SkirmishRules/ticksPerSecond`` times a second and draws ``players``,
/// ``creeps`` and ``bullets``:
/// ```swift
/// var world = World(seed: 42)
/// world.addPlayer(me)
/// for event in world.step(inputs: [me: keyboard.input]) { play(event) }
/// ```
public struct World: Sendable {
    /// The seed the world's randomness (creep spawns) started from.
    public let seed: UInt64
    /// The tick the world's state belongs to; every ``step(inputs:)`` advances it by one.
    public internal(set) var tick: Tick = 0
    /// Whether the game waits, plays or is over.
    public internal(set) var phase: GamePhase = .waitingForPlayers
    /// The current wave, 1-based; 0 before the first wave starts.
    public internal(set) var wave = 0
    /// The creeps alive, oldest (lowest id) first.
    public internal(set) var creeps: [Creep] = []

    /// One entry per seat, `nil` when free; iterated in seat order so every peer agrees.
    var seats: [Player?] = Array(repeating: nil, count: SkirmishRules.maxPlayers)
    /// Bullets in flight or stamped for a tick still to come, sorted by ``BulletID``.
    var flights: [Bullet] = []
    /// Every bullet seen within its lifetime, so an event that arrives twice, or that this
    /// world fired itself, is not simulated twice.
    var recentBulletIDs: Set<BulletID> = []
    var random: SplitMix64
    var nextCreepID: UInt32 = 1
    /// Creeps of the current wave still to appear.
    var creepsToSpawn = 0
    /// Ticks until the next creep of the wave appears.
    var spawnCountdown = 0
    /// Ticks until the next wave starts; 0 while a wave is under way.
    var waveCountdown = 0

    /// Creates an empty world; the game starts when the first player joins.
    public init(seed: UInt64) {
        self.seed = seed
        random = SplitMix64(seed: seed)
    }

    /// The players in the game, in seat order.
    public var players: [Player] { seats.compactMap { $0 } }

    /// The player with id `id`, if they are in the game.
    public func player(_ id: PlayerID) -> Player? {
        seats.lazy.compactMap { $0 }.first { $0.id == id }
    }

    /// The bullets in flight at ``tick``, oldest first.
    public var bullets: [Bullet] { flights.filter { $0.fired.age(at: tick) >= 0 } }

    /// Whether every seat is taken.
    public var isFull: Bool { !seats.contains { $0 == nil } }

    func seat(of id: PlayerID) -> Int? {
        seats.firstIndex { $0?.id == id }
    }
}
