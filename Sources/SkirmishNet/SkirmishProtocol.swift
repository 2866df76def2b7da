import Netplay
import NetplayWire
import SkirmishCore

/// What Skirmish peers say to each other, and the settings both sides must share.
///
/// | Message | Direction | Channel | Why that channel |
/// |---|---|---|---|
/// | `BulletFired` | host → clients | `.reliableOrdered` | a bullet crosses once, as an event both sides simulate |
/// | `MatchStatus` | host → clients | `.reliableOrdered` | wave and phase change rarely and must not be missed |
///
/// Players and creeps are not messages: they are `NetWorld` entities (`ReplicatedUnit`),
/// whose snapshots and inputs travel on the session's own replication channels.
public enum SkirmishProtocol {
    /// The game name hosts advertise and clients connect with.
    public static let gameName = "skirmish"
    /// Raised whenever the rules, the replicated `ReplicatedUnit` or the messages change in a
    /// way the schema does not show (2: players and creeps became `NetWorld` entities).
    public static let version: UInt32 = 2
    /// Every message type, in the same order on every peer (the handshake compares them).
    public static let messages: [any NetMessage.Type] = [BulletFired.self, MatchStatus.self]

    /// The schema fingerprint adverts carry, so discovery skips incompatible builds.
    public static var fingerprint: SchemaFingerprint { MessageRegistry(messages).fingerprint }

    /// Session options: the host is one of `SkirmishRules/maxPlayers` players, so it admits
    /// one fewer client; the protocol itself refuses the next one with "host full". The host
    /// is just another player who may quit or crash, so the game migrates: the player who
    /// joined first takes over and the others rejoin it (see ``GameSession``).
    public static var options: NetOptions {
        var options = NetOptions()
        options.version = version
        options.maxPeers = SkirmishRules.maxPlayers - 1
        options.hostMigration = true
        return options
    }
}

/// Where the game as a whole stands, sent reliably whenever it changes (and to each newcomer).
@NetMessage
struct MatchStatus: Equatable {
    /// The host tick of the change.
    var tick: UInt32
    /// The current wave (0 before the first).
    var wave: UInt32
    /// `GamePhase` as a number: the binary coder carries plain fields most compactly.
    var phaseCode: UInt8
    /// For game over: the tick every player was out.
    var since: UInt32

    init(tick: UInt32, wave: Int, phase: GamePhase) {
        self.tick = tick
        self.wave = UInt32(clamping: wave)
        switch phase {
        case .waitingForPlayers: (phaseCode, since) = (0, 0)
        case .playing: (phaseCode, since) = (1, 0)
        case .gameOver(let at): (phaseCode, since) = (2, at)
        }
    }

    var phase: GamePhase {
        switch phaseCode {
        case 1: .playing
        case 2: .gameOver(since: since)
        default: .waitingForPlayers
        }
    }

    /// What a client assumes before the host's first status arrives.
    static let initial = MatchStatus(tick: 0, wave: 0, phase: .waitingForPlayers)
}
