import NetplayWire

/// The sending half of an unreliable or unreliable-sequenced channel: a bounded queue sent
/// once, in order, fragment by fragment, and then forgotten.
package struct UnreliableSendChannel: Sendable {
    private struct Outgoing: Sendable {
        var bytes: MessageBytes
        var id: UInt16
        var fragmentCount: Int
    }

    private var queue = Backlog<Outgoing>()
    private var nextFragment = 0
    /// Sequenced channels use it as the sequence; plain unreliable ones only to group
    /// fragments.
    private var nextID: UInt16 = 0
    package private(set) var queuedBytes = 0

    var queuedMessages: Int { queue.count }
    var hasSendable: Bool { !queue.isEmpty }

    package mutating func enqueue(_ bytes: MessageBytes, geometry: ChannelGeometry) {
        queue.append(Outgoing(bytes: bytes, id: nextID, fragmentCount: geometry.fragmentCount(for: bytes.count)))
        nextID &+= 1
        queuedBytes += bytes.count
    }

    /// Writes queued pieces while they fit.
    mutating func fill(_ writer: inout PayloadWriter, channel: UInt8, geometry: ChannelGeometry) {
        while let message = queue.first {
            let fragment =
                message.fragmentCount > 1
                ? ChannelEntry.Fragment(index: nextFragment, count: message.fragmentCount) : nil
            let written = message.bytes.withUnsafeBytes { bytes in
                writer.append(
                    channel: channel, messageID: message.id, fragment: fragment,
                    bytes: geometry.piece(of: bytes, fragment: nextFragment, count: message.fragmentCount))
            }
            guard written else { return }
            nextFragment += 1
            if nextFragment == message.fragmentCount {
                nextFragment = 0
                queuedBytes -= message.bytes.count
                // Moved out: the queue's storage still holds a removed element until it
                // compacts, and would keep an array's storage alive.
                queue.removeFirst { $0.bytes.releaseStorage() }
            }
        }
    }
}
