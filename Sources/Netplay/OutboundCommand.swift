import NetplayChannels
import NetplayWire

/// Something the game asked for that the network thread carries out on its next tick: a
/// message to send, already encoded on the game's thread, or a kick.
enum OutboundCommand: Sendable {
    case message(OutboundMessage)
    case kick(NetPeer, reason: String?)

    /// Bytes this command holds in the send buffer (what ``NetOptions/maxBufferedSendBytes`` caps).
    var bufferedBytes: Int {
        if case .message(let message) = self { return message.bytes.count }
        return 0
    }
}

/// An encoded message and where it goes.
struct OutboundMessage: Sendable {
    /// Who should receive it: as the game said, or (for a message that some recipients'
    /// channels could not take yet) the recipients still owed it.
    enum Target: Sendable {
        case recipients(NetRecipients)
        case peers([NetPeer])
    }

    var bytes: MessageBytes
    var channel: ChannelID
    var target: Target
}
