import SkirmishCore

/// Everything a front end draws for one frame: the arena's contents, the game's standing and
/// the connection overlay. Built by ``GameSession/update(input:)``.
///
/// Positions are world units (see `SkirmishRules/arenaWidth`). On a client, other players
/// and creeps are interpolated a little in the past and the local player is predicted, so
/// each looks smooth and the local player answers the keys on the same frame.
public struct FrameView: Sendable {
    /// The tick shown: the host's simulation tick, or on a client the predicted tick.
    public var tick: UInt32 = 0
    /// On a client, the (fractional) host tick other players, creeps and bullets are drawn at:
    /// a little behind the host, so there is a snapshot on either side. `nil` on the host
    /// (it draws its world as it is) and before the first snapshot.
    public var renderTick: Double?
    /// Whether this peer hosts the game.
    public var isHost = false
    /// The local player's id.
    public var localPlayer = PlayerID(0)
    /// The player who hosts the game: the one who started it (`PlayerID(0)`) until it leaves
    /// and another takes over (then the local player's own id, if it was this one).
    public var host = PlayerID(0)
    /// The players, in seat order.
    public var players: [PlayerView] = []
    /// The creeps alive.
    public var creeps: [CreepView] = []
    /// The bullets in flight.
    public var bullets: [BulletView] = []
    /// The current wave (0 before the first).
    public var wave = 0
    /// Waiting, playing or game over.
    public var phase: GamePhase = .waitingForPlayers
    /// Connection figures for the overlay.
    public var network = NetworkOverlay()
    /// A line for the player about the session (how others join, who joined or left).
    public var notice: String?
    /// Players nothing has been heard from for a second (a dropped link, a paused process):
    /// their seats are kept while the session waits for them. On a client it holds the host's
    /// id, `PlayerID(0)`, when it is the host that went quiet: the whole game is on hold. A
    /// front end should show it where the eye is, not only in the notice line, so nobody
    /// takes a frozen arena for a crash.
    public var reconnecting: [PlayerID] = []
    /// Why the session ended, in a sentence for the player; `nil` while it runs.
    public var ended: String?

    /// An empty frame (nothing seated, nothing moving), for a front end to start from.
    public init() {}

    /// The local player, if seated.
    public var me: PlayerView? { players.first { $0.id == localPlayer } }

    /// Who hosts, for the HUD: "You host", or "Host: P2" (the host's seat number).
    public var hostLabel: String { host == localPlayer ? "You host" : "Host: \(name(of: host))" }

    /// How the HUD names player `id`: "you", or "P" and the seat number; "a player" for one
    /// not seated (yet).
    public func name(of id: PlayerID) -> String {
        if id == localPlayer { return "you" }
        return players.first { $0.id == id }.map { "P\($0.slot + 1)" } ?? "a player"
    }
}

/// A player as drawn.
public struct PlayerView: Sendable, Hashable {
    /// Who it is.
    public var id: PlayerID
    /// The seat (0–3): picks the colour and the number shown.
    public var slot: Int
    /// Centre, world units.
    public var x: Float
    /// Centre, world units (grows down).
    public var y: Float
    /// Facing, radians.
    public var facing: Float
    /// Lives left (0: out).
    public var lives: Int
    /// Points scored.
    public var score: Int
    /// Whether creeps cannot hurt it right now (drawn blinking).
    public var isInvulnerable: Bool
    /// Whether this is the local player.
    public var isLocal: Bool
}

/// A creep as drawn.
public struct CreepView: Sendable, Hashable {
    /// The creep's id.
    public var id: UInt32
    /// Centre, world units.
    public var x: Float
    /// Centre, world units.
    public var y: Float
}

/// A bullet as drawn.
public struct BulletView: Sendable, Hashable {
    /// Who fired it.
    public var shooter: PlayerID
    /// Centre, world units.
    public var x: Float
    /// Centre, world units.
    public var y: Float
}

/// The connection figures a front end shows in its overlay.
public struct NetworkOverlay: Sendable, Hashable {
    /// Round-trip time in milliseconds (on the host: the slowest client's), `nil` if unknown.
    public var roundTripMilliseconds: Double?
    /// Share of packets lost, 0…1, `nil` if unknown.
    public var loss: Double?
    /// Kilobits per second sent.
    public var kilobitsSent = 0.0
    /// Kilobits per second received.
    public var kilobitsReceived = 0.0
    /// Players connected, counting this one.
    public var players = 1
}
