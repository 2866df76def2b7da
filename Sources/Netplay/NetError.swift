import NetplayDiscovery
import NetplayProtocol
import NetplayWire

/// Why a host could not start or a client could not connect.
public enum NetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host refused us, or the handshake failed: wrong join code, host full, different
    /// version or message types, or no answer (`DisconnectReason.hostUnreachable`).
    case refused(DisconnectReason)
    /// The address is not a numeric IPv4 or IPv6 address (e.g. `"192.168.1.20"`, `"::1"`).
    case invalidAddress(String)
    /// The UDP socket could not be opened (the port is taken, or the address is not local).
    case socketUnavailable(String)
    /// Another socket on this machine already holds the port (another game, or a second copy
    /// of this one). Port 0 takes any free port; discovery and join strings carry it.
    case portInUse(UInt16)
    /// A join string was mistyped or is not a join string.
    case invalidJoinString(JoinString.ParseError)

    /// The refusal reason, if the host (or the timeout) refused the connection.
    public var reason: DisconnectReason? {
        if case .refused(let reason) = self { return reason }
        return nil
    }

    public var description: String {
        switch self {
        case .refused(let reason): return "Could not connect. \(reason)"
        case .invalidAddress(let address): return "\"\(address)\" is not an IPv4 or IPv6 address."
        case .socketUnavailable(let detail): return "Could not open the UDP socket: \(detail)"
        case .portInUse(let port):
            return
                "Port \(port) is already in use on this machine (another game or program has it). Use another port, or port 0 for any free one."
        case .invalidJoinString(let error): return "That join string does not work: \(error)."
        }
    }
}

/// Why ``NetHost/send(_:on:to:)`` or ``NetClient/send(_:on:)`` did not accept a message.
/// Nothing was queued: the game may drop the message or try again next frame.
public enum NetSendError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message's type is not in the `messages` list the session started with.
    case unregisteredMessage(String)
    /// The message could not be encoded (e.g. a string or array longer than the wire allows).
    case unencodable(WireError)
    /// The encoded message is over the channel's limit (see `ChannelConfig`).
    case messageTooLarge(bytes: Int, limit: Int)
    /// The channel is not in the session's `ChannelLayout`.
    case unknownChannel(NetChannel)
    /// Unsent messages already fill ``NetOptions/maxBufferedSendBytes``: the network (or the
    /// peer) is slower than the game is sending. Send less, or less often.
    case queueFull
    /// The session is closing or closed.
    case closed

    public var description: String {
        switch self {
        case .unregisteredMessage(let name): return "\(name) is not in the session's message list."
        case .unencodable(let error): return "The message could not be encoded: \(error)"
        case .messageTooLarge(let bytes, let limit):
            return "The message is \(bytes) bytes; this channel takes at most \(limit)."
        case .unknownChannel(let channel): return "There is no channel \(channel.id.index) in this session's layout."
        case .queueFull: return "Too many unsent messages are waiting; send less often."
        case .closed: return "The session is closed."
        }
    }
}
