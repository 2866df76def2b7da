/// The numbers that make Skirmish play the way it does, gathered in one place so a reader can
/// tune the game without hunting through the simulation.
///
/// Distances are in world units (the arena is 1600 × 900 of them), times in ticks
/// (``ticksPerSecond`` to a second), speeds in world units per tick. Every value is a constant
/// of the game: two peers with different rules would not agree, so they are not configurable.
public enum SkirmishRules {
    /// Simulation steps per second. 30 Hz matches the front ends' 30 frames a second, so each
    /// frame draws exactly one new tick, and keeps a 4-player snapshot stream small.
    public static let ticksPerSecond = 30

    // MARK: Arena

    /// Arena width in world units. 1600 × 900 is 16:9, which scales to an 80 × 24 terminal
    /// (whose cells are about twice as tall as wide, so ≈ 80 × 48 square units) and letterboxes
    /// into an 800 × 600 window at half size.
    public static let arenaWidth: Float = 1600
    /// Arena height in world units (see ``arenaWidth``).
    public static let arenaHeight: Float = 900

    // MARK: Players

    /// Seats in a game; a leaving player frees theirs. Four keeps a terminal readable.
    public static let maxPlayers = 4
    /// Collision radius of a player, in world units (one terminal cell is 20 × 37.5 units).
    public static let playerRadius: Float = 16
    /// Player speed in world units per tick: 240 units/s, so crossing the arena takes 6.7 s.
    public static let playerSpeed: Float = 8
    /// Lives each player starts (and restarts) with.
    public static let startingLives = 3
    /// Ticks a player cannot be hit after losing a life: 2 s to get clear of the crowd.
    public static let invulnerabilityTicks = 60
    /// Ticks between two shots of one player: 5 shots a second.
    public static let fireCooldownTicks = 6
    /// Points for each creep a player's bullet kills.
    public static let scorePerCreep = 10

    // MARK: Bullets

    /// Bullet speed in world units per tick: 720 units/s, three times a player's speed.
    public static let bulletSpeed: Float = 24
    /// Ticks a bullet flies before it expires: 1.33 s, a range of 960 units (60% of the width).
    public static let bulletLifetimeTicks = 40
    /// Collision radius of a bullet, in world units.
    public static let bulletRadius: Float = 4
    /// How far ahead of the local tick a remote bullet may be stamped and still be accepted
    /// (held until its tick comes): 1 s covers a peer whose clock runs ahead by a round trip.
    public static let maxBulletLeadTicks = 30

    // MARK: Creeps and waves

    /// Collision radius of a creep, in world units.
    public static let creepRadius: Float = 14
    /// Creeps in wave 1.
    public static let firstWaveCreeps = 5
    /// Extra creeps each later wave brings.
    public static let creepsAddedPerWave = 3
    /// Most creeps one wave brings, so late waves stay cheap to simulate and to replicate.
    public static let maxCreepsPerWave = 60
    /// Creep speed in wave 1, world units per tick: 60 units/s, a quarter of a player's.
    public static let firstWaveCreepSpeed: Float = 2
    /// Speed each later wave adds, world units per tick.
    public static let creepSpeedAddedPerWave: Float = 0.3
    /// Fastest a creep ever moves: 270 units/s. Creeps overtake a player's 240 from wave 21
    /// (about ten minutes in), so even a perfect player's game ends and a new one begins.
    public static let maxCreepSpeed: Float = 9
    /// Each creep's speed is varied by up to this fraction either way, so a wave spreads out
    /// instead of chasing as one clump.
    public static let creepSpeedJitter: Float = 0.15
    /// Ticks between two groups of a wave's creeps appearing: a stream, not a wall.
    public static let creepSpawnIntervalTicks = 10
    /// Every this many waves, each group of creeps grows by one, so later waves arrive faster
    /// than two players can shoot them one by one.
    public static let wavesPerLargerGroup = 3
    /// Largest group of creeps appearing at once (at ``creepSpawnIntervalTicks``: 12 a second).
    public static let maxCreepsPerGroup = 4
    /// A creep does not appear closer than this to a living player (world units), so a player
    /// standing at the edge is never hit by something that appeared on top of them.
    public static let creepSpawnSafeDistance: Float = 240
    /// Ticks between one wave's last creep dying and the next wave starting: a 2 s breather.
    public static let waveIntermissionTicks = 60
    /// Ticks between the first player joining (or a restart) and wave 1.
    public static let firstWaveDelayTicks = 45
    /// Ticks the game-over screen holds before a shot restarts the game, so a player firing
    /// as they die does not skip it.
    public static let gameOverHoldTicks = 90

    /// How many creeps wave `wave` (1-based) brings.
    public static func creepCount(inWave wave: Int) -> Int {
        min(firstWaveCreeps + creepsAddedPerWave * max(wave - 1, 0), maxCreepsPerWave)
    }

    /// How many creeps of wave `wave` (1-based) appear together, each at its own edge point.
    public static func creepGroupSize(inWave wave: Int) -> Int {
        min(1 + max(wave - 1, 0) / wavesPerLargerGroup, maxCreepsPerGroup)
    }

    /// The base creep speed of wave `wave` (1-based), before jitter, in world units per tick.
    public static func creepSpeed(inWave wave: Int) -> Float {
        min(firstWaveCreepSpeed + creepSpeedAddedPerWave * Float(max(wave - 1, 0)), maxCreepSpeed)
    }
}
