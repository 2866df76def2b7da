/// Sizes derived from a ``ChannelConfig`` that both ends compute identically: how large a
/// message travels whole, how large each fragment is, and how many fragments a peer may
/// announce.
package struct ChannelGeometry: Sendable {
    package let payloadBytes: Int
    /// The largest message sent as one entry.
    let maxWholeMessageBytes: Int
    /// Data bytes in every fragment but the last.
    package let fragmentBytes: Int
    package let maxReliableMessageBytes: Int
    package let maxUnreliableMessageBytes: Int

    package init(_ config: ChannelConfig) {
        payloadBytes = min(
            max(config.maxPayloadBytes, ChannelConfig.minimumPayloadBytes), ChannelConfig.maximumPayloadBytes)
        maxReliableMessageBytes = max(config.maxReliableMessageBytes, 0)
        maxUnreliableMessageBytes = max(config.maxUnreliableMessageBytes, 0)
        let lengthField = ChannelEntry.varintSize(UInt64(payloadBytes))
        maxWholeMessageBytes = payloadBytes - PayloadHeader.byteCount - ChannelEntry.fixedHeaderBytes - lengthField
        // The count field is sized for the largest count any message may need; a fragment
        // is never smaller than half a payload, so this bound is safe.
        let countBound = max(maxReliableMessageBytes, maxUnreliableMessageBytes) / (payloadBytes / 2) + 2
        let fragmentHeader =
            ChannelEntry.fixedHeaderBytes + 2 * ChannelEntry.varintSize(UInt64(countBound)) + lengthField
        fragmentBytes = payloadBytes - PayloadHeader.byteCount - fragmentHeader
    }

    /// How many entries a message of `byteCount` bytes travels in.
    func fragmentCount(for byteCount: Int) -> Int {
        byteCount <= maxWholeMessageBytes ? 1 : (byteCount + fragmentBytes - 1) / fragmentBytes
    }

    /// The largest message a channel of `kind` carries.
    func messageLimit(for kind: ChannelKind) -> Int {
        kind.isReliable ? maxReliableMessageBytes : maxUnreliableMessageBytes
    }

    /// The most fragments a peer may announce for one message on a channel of `kind`.
    package func maxFragments(for kind: ChannelKind) -> Int {
        max(fragmentCount(for: messageLimit(for: kind)), 2)
    }

    /// The bytes of fragment `index` of `message` (the whole message when unfragmented).
    func piece(of message: UnsafeRawBufferPointer, fragment index: Int, count: Int) -> UnsafeRawBufferPointer {
        guard count > 1 else { return message }
        let start = index * fragmentBytes
        return UnsafeRawBufferPointer(rebasing: message[start..<min(start + fragmentBytes, message.count)])
    }
}
