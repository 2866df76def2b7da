import NetplayWire

/// Who a player is, as the game's front end names them: typically the Netplay peer id's raw
/// value, so one number identifies a player on every peer.
@NetMessage
public struct PlayerID: Hashable, Comparable, CustomStringConvertible {
    /// The id's value.
    public var rawValue: UInt32

    /// Creates an id.
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static func < (lhs: PlayerID, rhs: PlayerID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "player#\(rawValue)" }
}
