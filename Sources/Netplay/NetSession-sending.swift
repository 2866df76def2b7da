import NetplayBase
import NetplayChannels
import NetplayWire

/// The game's side: `send` encodes on the caller's thread and queues the bytes in the send
/// buffer, under its own short lock; the network thread takes them at its next tick.
extension NetSession {
    /// Encoded messages waiting for the next tick.
    struct SendBuffer {
        /// What earlier ticks could not hand to a full channel, oldest first; ahead of `commands`.
        var backlog: [OutboundCommand] = []
        /// Sent since the last tick.
        var commands: [OutboundCommand] = []
        /// An empty list with room, for `commands` when a tick takes them: the tick hands the
        /// list it took back emptied, so the two trade places and neither is allocated again.
        var spareCommands: [OutboundCommand] = []
        /// Buffered bytes of both lists (what ``NetOptions/maxBufferedSendBytes`` caps).
        var bytes = 0
        var closing = false
        /// A flush is already on its way to the network thread: later sends ride along.
        var flushScheduled = false
        /// Messages accepted by `send`, counted here rather than under a lock of their own.
        var messagesQueued = 0
    }

    /// Encodes `message` on the caller's thread and queues it for the next tick.
    func send<Message: NetMessage>(_ message: Message, on channel: NetChannel, to target: NetRecipients)
        throws(NetSendError)
    {
        // The static type: `type(of:)` asked the runtime for the dynamic one on every send.
        guard let id = registry.id(of: Message.self) else { throw .unregisteredMessage(Message.messageName) }
        let kinds = options.channels.layout.kinds
        guard Int(channel.id.index) < kinds.count else { throw .unknownChannel(channel) }
        var writer = BitWriter()
        do throws(WireError) { try registry.encode(message, id: id, into: &writer) } catch {
            throw .unencodable(error)
        }
        let byteCount = writer.byteCount
        let limit = Self.sizeLimit(of: kinds[Int(channel.id.index)], config: options.channels)
        guard byteCount <= limit else { throw .messageTooLarge(bytes: byteCount, limit: limit) }
        // A small message stays in the writer's words, no allocation (see `MessageBytes`);
        // a larger one hands over the writer's array.
        let bytes = writer.finishMessage()
        let (refusal, flushNow) = buffer.withLock { buffer -> (NetSendError?, Bool) in
            if let refusal = Self.refusal(byteCount, by: buffer, options: options) { return (refusal, false) }
            buffer.messagesQueued += 1
            let message = OutboundMessage(bytes: bytes, channel: channel.id, target: .recipients(target))
            return (nil, Self.append(.message(message), to: &buffer))
        }
        if let refusal { throw refusal }
        if flushNow { requestFlush() }
    }

    /// Queues a command for the next tick.
    func enqueue(_ command: OutboundCommand) throws(NetSendError) {
        // The lock's closure rethrows untyped errors, so the refusal comes out as a value.
        let (refusal, flushNow) = buffer.withLock { buffer -> (NetSendError?, Bool) in
            if let refusal = Self.refusal(command.bufferedBytes, by: buffer, options: options) {
                return (refusal, false)
            }
            return (nil, Self.append(command, to: &buffer))
        }
        if let refusal { throw refusal }
        if flushNow { requestFlush() }
    }

    /// Why `buffer` cannot take a command of `bytes` more, if it cannot.
    private static func refusal(_ bytes: Int, by buffer: SendBuffer, options: NetOptions) -> NetSendError? {
        guard !buffer.closing else { return .closed }
        guard buffer.bytes + bytes <= options.maxBufferedSendBytes else { return .queueFull }
        return nil
    }

    /// Appends `command`; returns whether it is the first since the last flush.
    private static func append(_ command: OutboundCommand, to buffer: inout SendBuffer) -> Bool {
        buffer.commands.append(command)
        buffer.bytes += command.bufferedBytes
        defer { buffer.flushScheduled = true }
        return !buffer.flushScheduled
    }

    /// The channel layer's per-kind limits, checked here so an oversize message is refused
    /// to the caller at once rather than dropped on the network thread.
    private static func sizeLimit(of kind: ChannelKind, config: ChannelConfig) -> Int {
        switch kind {
        case .reliableOrdered, .reliableUnordered: return config.maxReliableMessageBytes
        case .unreliable, .unreliableSequenced: return config.maxUnreliableMessageBytes
        }
    }
}
