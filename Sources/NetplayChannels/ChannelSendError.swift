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
    /// A reliable message of no bytes. Every message the library sends has one at least (a
    /// game message its type id, a replication control message four at least), and the
    /// unambiguity of reliable message numbers counts on it (see
    /// ``ReliableReceiveChannel/window``).
    case emptyReliableMessage(ChannelID)
}

/// A message the peer sent, complete and checked, ready for the game.
package struct DeliveredMessage: Sendable, Equatable {
    /// The channel it came on.
    package var channel: ChannelID
    /// Its bytes, exactly as the peer enqueued them. A message delivered as it arrives (the
    /// next in order, or an unfragmented unreliable one) is a slice of the payload that
    /// carried it, read in place rather than copied out (an allocation per message), and
    /// keeps that payload alive until it is dropped: drain delivered messages after each
    /// receive, as the session does. One that waited in the window or was reassembled is an
    /// array of its own.
    package var bytes: ArraySlice<UInt8>

    /// Creates a delivered message.
    package init(channel: ChannelID, bytes: ArraySlice<UInt8>) {
        self.channel = channel
        self.bytes = bytes
    }

    /// Creates a delivered message from whole bytes.
    package init(channel: ChannelID, bytes: [UInt8]) { self.init(channel: channel, bytes: bytes[...]) }
}
