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
    /// The queued messages: their bytes and their charge.
    package private(set) var queued = SendQueueTally()

    var queuedMessages: Int { queue.count }
    var hasSendable: Bool { !queue.isEmpty }

    /// `consuming`, and the queue's append its last use: the bytes move into the queue.
    package mutating func enqueue(_ bytes: consuming MessageBytes, geometry: ChannelGeometry) {
        let count = bytes.count
        queue.append(Outgoing(bytes: bytes, id: nextID, fragmentCount: geometry.fragmentCount(for: count)))
        nextID &+= 1
        queued.add(byteCount: count)
    }

    /// Writes queued pieces while they fit.
    mutating func fill(_ writer: inout PayloadWriter, channel: UInt8, geometry: ChannelGeometry) {
        while !queue.isEmpty {
            let fragmentIndex = nextFragment
            // Read in place: a copy of the message (its bytes retained, then released) cost
            // some 50 instructions a piece.
            let (written, fragmentCount) = queue.update(at: 0) { message -> (Bool, Int) in
                let written = writer.appendPiece(
                    fragmentIndex, of: message.fragmentCount, of: message.bytes, channel: channel,
                    messageID: message.id, geometry: geometry)
                return (written, message.fragmentCount)
            }
            guard written else { return }
            nextFragment += 1
            if nextFragment == fragmentCount {
                nextFragment = 0
                let byteCount = queue.removeFirst { $0.bytes.count }
                queued.remove(byteCount: byteCount)
            }
        }
    }
}
