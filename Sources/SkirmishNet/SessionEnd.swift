import Netplay
import NetplayProtocol

/// Sentences a player reads when a session ends or cannot start.
enum SessionEnd {
    /// Why a client's session ended, from the host's point of view of the player.
    static func message(for reason: DisconnectReason) -> String {
        switch reason {
        case .hostShutDown: "The host ended the game."
        case .timedOut: "Lost contact with the host (nothing heard for 10 seconds)."
        case .kicked(let why): "The host removed you from the game" + (why.map { ": \($0)" } ?? ".")
        case .closedLocally: "You left the game."
        case .closedByPeer(let why): "The host closed the connection" + (why.map { ": \($0)" } ?? ".")
        default: "The game ended: \(reason)."
        }
    }
}

/// Why a session could not start, in words a player can act on.
public struct SessionError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public var description: String

    /// Creates an error with a sentence for the player.
    public init(_ description: String) { self.description = description }
}
