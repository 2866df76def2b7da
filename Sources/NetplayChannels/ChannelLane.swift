/// Both halves of one channel of a ``ChannelEndpoint``. Each channel has its own numbering,
/// windows and queues, which is what keeps a stalled reliable channel from delaying any other.
package struct ChannelLane: Sendable {
    package let kind: ChannelKind
    var reliableOut = ReliableSendChannel()
    var unreliableOut = UnreliableSendChannel()
    /// Present on reliable channels only (its window holds occupied slots only, so an idle
    /// channel costs almost nothing).
    var reliableIn: ReliableReceiveChannel?
    /// Present on unreliable channels only.
    var unreliableIn: UnreliableReceiveChannel?

    package init(kind: ChannelKind) {
        self.kind = kind
        switch kind {
        case .reliableOrdered, .reliableUnordered:
            reliableIn = ReliableReceiveChannel(ordered: kind == .reliableOrdered)
        case .unreliable, .unreliableSequenced:
            unreliableIn = UnreliableReceiveChannel(sequenced: kind == .unreliableSequenced)
        }
    }

    var queued: SendQueueTally { kind.isReliable ? reliableOut.queued : unreliableOut.queued }
    var queuedMessages: Int { kind.isReliable ? reliableOut.queuedMessages : unreliableOut.queuedMessages }
    var hasSendable: Bool { kind.isReliable ? reliableOut.hasSendable : unreliableOut.hasSendable }
}
