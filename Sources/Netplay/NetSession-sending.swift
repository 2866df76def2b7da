import NetplayBase
import NetplayChannels
import NetplayWire

/// The game's side: `send` encodes on the caller's thread and queues the bytes in the send
/// buffer, under its own short lock; the network thread takes them at its next pass (or the
/// sender flushes them itself: see ``NetSession/requestSendFlush()``).
extension NetSession {
    /// Encoded messages waiting for the next tick.
    struct SendBuffer {
        /// Sent since the last tick.
        var messages: [OutboundMessage] = []
        /// An empty list with room, for `messages` when a tick takes them: the tick hands the
        /// list it took back emptied, so the two trade places and neither is allocated again.
        var spareMessages: [OutboundMessage] = []
        /// Kicks since the last tick, carried out after its messages are sent.
        var kicks: [OutboundKick] = []
        /// What `messages` are charged against ``NetOptions/maxBufferedSendBytes``: their
        /// bytes, each 64 at least (``MessageBytes/queueCharge``).
        var charge = 0
        /// The same charge for the messages waiting in the core's backlog behind full
        /// channels, as the last pass left them. With ``charge``, what
        /// ``NetOptions/maxBufferedSendBytes`` caps.
        var waitingCharge = 0
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
        // a larger one hands over the writer's array. They are taken from the writer under
        // the lock, straight into the buffer's message: taken before, they were copied into
        // it (a closure cannot consume what it captures), some 50 instructions a message.
        // (Finishing a message longer than the words may grow or free the writer's array
        // under the lock: a longer hold, for those only.)
        try queue(charge: MessageBytes.queueCharge(forByteCount: byteCount)) { buffer in
            buffer.messagesQueued += 1
            Self.append(
                OutboundMessage(bytes: writer.finishMessage(), channel: channel.id, recipients: target), to: &buffer)
        }
    }

    /// Queues encoded bytes (replication's) for the next tick.
    func enqueue(_ message: OutboundMessage) throws(NetSendError) {
        try queue(charge: message.bytes.queueCharge) { Self.append(message, to: &$0) }
    }

    /// Queues a kick for the next tick, which carries it out after sending its messages.
    func enqueue(_ kick: OutboundKick) throws(NetSendError) {
        try queue(charge: 0, isMessage: false) { $0.kicks.append(kick) }
    }

    /// Adds a command of `charge` buffered bytes with `add`, and counts the charge, under the
    /// buffer's lock, unless the buffer refuses it; the first since the last flush asks for
    /// one (a kick always of the network thread: it ends a connection there).
    private func queue(charge: Int, isMessage: Bool = true, _ add: (inout SendBuffer) -> Void) throws(NetSendError) {
        // The lock's closure rethrows untyped errors, so the refusal comes out as a value.
        let (refusal, flushNow) = buffer.withLock { buffer -> (NetSendError?, Bool) in
            if let refusal = Self.refusal(charge, by: buffer, options: options) { return (refusal, false) }
            add(&buffer)
            buffer.charge += charge
            return (nil, Self.schedulesFlush(&buffer))
        }
        if let refusal { throw refusal }
        guard flushNow else { return }
        if isMessage { requestSendFlush() } else { requestFlush() }
    }

    /// Why `buffer` cannot take a command of `charge` more, if it cannot. A cap below one
    /// small message's charge counts as that charge: set lower, it refused every message.
    private static func refusal(_ charge: Int, by buffer: SendBuffer, options: NetOptions) -> NetSendError? {
        guard !buffer.closing else { return .closed }
        let cap = max(options.maxBufferedSendBytes, MessageBytes.minimumQueueCharge)
        guard buffer.charge + buffer.waitingCharge + charge <= cap else { return .queueFull }
        return nil
    }

    /// Appends `message` (``queue(charge:_:)`` counts its charge).
    ///
    /// `consuming`, and the list's append its last use: the message moves into the list.
    /// Borrowed, it was copied in and the caller's destroyed, some 130 instructions a message.
    private static func append(_ message: consuming OutboundMessage, to buffer: inout SendBuffer) {
        buffer.messages.append(message)
    }

    /// Notes that a flush is on its way; returns whether this command is the one to ask for it
    /// (the first since the last flush).
    private static func schedulesFlush(_ buffer: inout SendBuffer) -> Bool {
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
