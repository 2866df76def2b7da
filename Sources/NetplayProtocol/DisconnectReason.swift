/// Why a connection ended, or why it never began.
///
/// Print it: every case describes itself in a plain sentence a player can read, e.g.
/// `"The host is full."`.
public enum DisconnectReason: Sendable, Hashable, CustomStringConvertible {
    /// Nothing authentic arrived from the other side for the configured timeout.
    case timedOut
    /// The host never answered the handshake before the configured timeout.
    case hostUnreachable
    /// The other side closed the connection, optionally saying why.
    case closedByPeer(reason: String?)
    /// This side closed the connection.
    case closedLocally
    /// The host already serves its maximum number of peers.
    case hostFull
    /// The two sides speak different protocol versions.
    case versionMismatch(local: UInt32, remote: UInt32)
    /// The two sides' message schemas differ; the text names both schemas.
    case schemaMismatch(String)
    /// The join code this client used is not the host's.
    case wrongJoinCode
    /// The host needs a join code and this client gave none.
    case joinCodeRequired
    /// The host runs another game: `host` is its game name, `local` this program's.
    case wrongGame(host: String, local: String)
    /// The host is shutting down.
    case hostShutDown
    /// The host left a session that another player was to take over (host migration), and
    /// none of the players in its succession order could.
    case hostLeft
    /// The host removed this client, optionally saying why.
    case kicked(reason: String?)
    /// The host already serves as many players from this network address (one IP, or one
    /// IPv6 /64) as it allows; see `NetOptions.maxPeersPerAddress`.
    case tooManyFromAddress
    /// The other side kept the connection alive but acknowledged none of the reliable data
    /// sent to it for `NetOptions.unresponsiveTimeout`: it is not receiving (or not reading).
    case unresponsive

    public var description: String {
        switch self {
        case .timedOut:
            return "The connection timed out: nothing was heard from the other side."
        case .hostUnreachable:
            return
                "Nothing answered at that address. Check the address and port, that the host is running, and that no firewall blocks UDP."
        case .closedByPeer(let reason):
            return "The other side closed the connection" + Self.suffix(reason)
        case .closedLocally:
            return "The connection was closed by this side."
        case .hostFull:
            return "The host is full."
        case .versionMismatch(let local, let remote):
            return
                "Version mismatch: this side runs protocol version \(local), the other side \(remote). Update the older one."
        case .schemaMismatch(let difference):
            return "The two games' message types differ (\(difference)). Run the same build on both sides."
        case .wrongJoinCode:
            return "The join code is wrong: check it with the host."
        case .joinCodeRequired:
            return "This game needs a join code: ask the host for it."
        case .wrongGame(let host, let local):
            return
                "The host runs '\(host)', not '\(local)': connect with the game name '\(host)', or check the address."
        case .hostShutDown:
            return "The host shut down."
        case .hostLeft:
            return "The host left, and no other player could take over the game."
        case .kicked(let reason):
            return "The host removed this player" + Self.suffix(reason)
        case .tooManyFromAddress:
            return "The host already has as many players from this network address as it allows."
        case .unresponsive:
            return "The other side stopped acknowledging messages, so the connection was closed."
        }
    }

    private static func suffix(_ reason: String?) -> String {
        guard let reason, !reason.isEmpty else { return "." }
        return reason.last.map { ".!?".contains($0) } == true ? ": \(reason)" : ": \(reason)."
    }
}
