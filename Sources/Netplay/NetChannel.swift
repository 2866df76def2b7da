import NetplayChannels

/// Which of a connection's channels a message travels on: how hard Netplay tries to deliver
/// it, and whether it may overtake others.
///
/// The four named channels are those of `ChannelLayout.standard`. Use `reliableOrdered`
/// for events that must happen once and in order (a bullet fired, a chat line),
/// `unreliableSequenced` for state that the next message replaces anyway (a position).
public struct NetChannel: Hashable, Sendable {
    /// The channel's index in the layout.
    package let id: ChannelID

    /// The channel at `id` in the session's `ChannelLayout`.
    package init(_ id: ChannelID) { self.id = id }

    /// Delivered exactly once, in the order sent (like TCP, but only this channel waits).
    public static let reliableOrdered = NetChannel(ChannelID(0))
    /// Delivered exactly once, as soon as it arrives, in any order.
    public static let reliableUnordered = NetChannel(ChannelID(1))
    /// Delivered at most once, in any order; lost messages are not resent.
    public static let unreliable = NetChannel(ChannelID(2))
    /// Delivered at most once, and never after a newer message on this channel: stale
    /// arrivals are dropped. The channel for positions and other replaceable state.
    public static let unreliableSequenced = NetChannel(ChannelID(3))
}
