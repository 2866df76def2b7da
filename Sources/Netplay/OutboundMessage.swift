import NetplayChannels
import NetplayWire

/// A message the game sent, already encoded on its thread, and where it goes: what the
/// network thread hands to channels at its next tick.
///
/// Kicks, the game's other command, wait in a list of their own (``NetSession/SendBuffer``):
/// an enum of both cost every message the enum's copies and destruction (about 60
/// instructions), for a command that never waits behind a full channel.
struct OutboundMessage: Sendable {
    var bytes: MessageBytes
    var channel: ChannelID
    /// Who should receive it, as the game said. (On a client, the host whatever it said.)
    var recipients: NetRecipients
}

/// A client the host's game asked to remove, and the reason it will be told.
struct OutboundKick: Sendable {
    var peer: NetPeer
    var reason: String?
}
