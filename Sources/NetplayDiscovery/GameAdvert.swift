import NetplayBase

/// What a host tells the local network about its game. Never carries secrets: a join code
/// is only flagged as required, never included.
public struct GameAdvert: Sendable, Hashable {
    /// Longest game or host name in an advert, in UTF-8 bytes (keeps adverts smaller than queries).
    static let maxNameBytes = 32

    /// Random per host process, so several hosts on one machine (same address) are told apart.
    package var hostInstanceID: UInt64
    /// The game's name, e.g. `"skirmish"`; browsers filter on it.
    public var gameName: String
    /// The hosting player's display name.
    public var hostName: String
    /// Players connected now, the host included.
    public var players: Int
    /// Most players the host accepts.
    public var capacity: Int
    /// The game protocol version the host speaks.
    public var protocolVersion: UInt32
    /// The host's message schema fingerprint (16 bytes).
    package var schemaFingerprint: [UInt8]
    /// The UDP port the game itself listens on (the address is where the advert came from).
    package var gamePort: UInt16
    /// True when joining needs a code the host shows on screen.
    public var requiresJoinCode: Bool

    /// Creates an advert; names longer than ``maxNameBytes`` are shortened on a character boundary.
    package init(
        hostInstanceID: UInt64, gameName: String, hostName: String, players: Int, capacity: Int,
        protocolVersion: UInt32, schemaFingerprint: [UInt8], gamePort: UInt16, requiresJoinCode: Bool
    ) {
        self.hostInstanceID = hostInstanceID
        self.gameName = Self.shortened(gameName)
        self.hostName = Self.shortened(hostName)
        self.players = players
        self.capacity = capacity
        self.protocolVersion = protocolVersion
        self.schemaFingerprint = schemaFingerprint
        self.gamePort = gamePort
        self.requiresJoinCode = requiresJoinCode
    }

    static func shortened(_ name: String) -> String {
        var result = ""
        for character in name {
            guard result.utf8.count + String(character).utf8.count <= maxNameBytes else { break }
            result.append(character)
        }
        return result
    }
}

/// Whether a found game can be joined by this program.
public enum GameCompatibility: Sendable, Hashable, CustomStringConvertible {
    /// Same protocol version and schema: joinable.
    case compatible
    /// The host speaks another protocol version.
    case versionMismatch(local: UInt32, remote: UInt32)
    /// Same version, different message schema (another build of the game).
    case schemaMismatch

    public var description: String {
        switch self {
        case .compatible: "compatible"
        case .versionMismatch(let local, let remote):
            "incompatible: protocol version \(remote), this program speaks \(local)"
        case .schemaMismatch: "incompatible: another build of the game (message schema differs)"
        }
    }
}

/// A game found on the network.
public struct FoundGame: Sendable, Hashable, CustomStringConvertible {
    /// The host's advert.
    public var advert: GameAdvert
    /// Where to connect: the advert's source address with the advertised game port.
    public var address: PeerAddress
    /// Whether this program can join it.
    public var compatibility: GameCompatibility

    public var description: String {
        let code = advert.requiresJoinCode ? ", join code required" : ""
        return
            "\(advert.gameName) hosted by \(advert.hostName) at \(address) — \(advert.players)/\(advert.capacity) players\(code) (\(compatibility))"
    }
}
