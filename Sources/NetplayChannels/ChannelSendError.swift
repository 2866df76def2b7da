/// Why ``ChannelEndpoint/enqueue(_:on:now:)`` refused a message.
package enum ChannelSendError: Error, Sendable, Equatable {
    /// The channel's send queue holds ``ChannelConfig/maxQueuedBytesPerChannel`` already: the
    /// link or the receiver is slower than the game is sending. Send less, or retry later.
    case queueFull(ChannelID)
    /// The message is larger than the channel kind allows
    /// (``ChannelConfig/maxReliableMessageBytes`` or ``ChannelConfig/maxUnreliableMessageBytes``).
    case messageTooLarge(bytes: Int, limit: Int)
    /// The layout has no such channel.
    case unknownChannel(ChannelID)
}

/// A message the peer sent, complete and checked, ready for the game.
package struct DeliveredMessage: Sendable, Equatable {
    /// The channel it came on.
    package var channel: ChannelID
    /// Its bytes, exactly as the peer enqueued them.
    package var bytes: [UInt8]

    /// Creates a delivered message.
    package init(channel: ChannelID, bytes: [UInt8]) {
        self.channel = channel
        self.bytes = bytes
    }
}
