import NetplayWire

/// The sending half of a reliable channel: messages numbered in order, kept until every
/// piece is acknowledged, and resent when the packet carrying a piece is declared lost.
///
/// Message numbers run ahead of the oldest unacknowledged one by at most
/// ``ReliableReceiveChannel/window``, the receiver's reorder window, so the receiver never
/// sees a number it cannot place.
package struct ReliableSendChannel: Sendable {
    package struct Outgoing: Sendable {
        package var bytes: MessageBytes
        var fragmentCount: Int
        /// Per-fragment flags; empty for a whole message, which needs only ``ackedCount``.
        var ackedFragments: [Bool]
        var ackedCount = 0

        var isAcked: Bool { ackedCount == fragmentCount }
        func isAcked(fragment: Int) -> Bool {
            fragmentCount == 1 ? ackedCount == 1 : ackedFragments[fragment]
        }
    }

    private var messages = Backlog<Outgoing>()
    /// Number of `messages.first`: the oldest unacknowledged message.
    package private(set) var baseID: Int64 = 0
    /// The next piece never sent yet.
    private var cursorID: Int64 = 0
    private var cursorFragment = 0
    private var resends = Backlog<PieceReference>()
    /// Every message not yet fully acknowledged: its bytes and its charge.
    package private(set) var queued = SendQueueTally()

    var queuedMessages: Int { messages.count }
    package var isEmpty: Bool { messages.isEmpty }

    /// Messages not yet fully acknowledged, oldest first.
    package var unacknowledged: [[UInt8]] {
        (0..<messages.count).compactMap { messages[$0].isAcked ? nil : messages[$0].bytes.array }
    }
    private var nextID: Int64 { baseID + Int64(messages.count) }

    /// `consuming`, and the queue's append its last use: the bytes move into the queue.
    package mutating func enqueue(_ bytes: consuming MessageBytes, geometry: ChannelGeometry) {
        let byteCount = bytes.count
        let count = geometry.fragmentCount(for: byteCount)
        messages.append(
            Outgoing(
                bytes: bytes, fragmentCount: count,
                ackedFragments: count > 1 ? Array(repeating: false, count: count) : []))
        queued.add(byteCount: byteCount)
    }

    /// Whether ``fill(_:channel:geometry:pieces:)`` would write anything into an empty payload.
    var hasSendable: Bool {
        !resends.isEmpty || (cursorID < nextID && cursorID < baseID + Int64(ReliableReceiveChannel.window))
    }

    /// Writes resends first, then new pieces, while they fit; returns how many were resends.
    mutating func fill(
        _ writer: inout PayloadWriter, channel: UInt8, geometry: ChannelGeometry, pieces: inout [PieceReference]
    ) -> Int {
        var resent = 0
        while let piece = resends.first {
            guard piece.messageID >= baseID,
                !messages.read(at: Int(piece.messageID - baseID), { $0.isAcked(fragment: piece.fragment) })
            else {
                resends.popFirst()
                continue
            }
            guard write(piece, into: &writer, geometry: geometry) else { return resent }
            pieces.append(piece)
            resends.popFirst()
            resent += 1
        }
        while cursorID < nextID, cursorID < baseID + Int64(ReliableReceiveChannel.window) {
            let piece = PieceReference(channel: channel, messageID: cursorID, fragment: cursorFragment)
            guard write(piece, into: &writer, geometry: geometry) else { return resent }
            pieces.append(piece)
            cursorFragment += 1
            if cursorFragment == messages.read(at: Int(cursorID - baseID), { $0.fragmentCount }) {
                cursorFragment = 0
                cursorID += 1
            }
        }
        return resent
    }

    /// Writes one piece. `mutating` only to read its message in place (see ``Backlog/update(at:_:)``):
    /// a copy of the message, its bytes and acknowledgement flags retained, cost some 50
    /// instructions a piece.
    private mutating func write(
        _ piece: PieceReference, into writer: inout PayloadWriter, geometry: ChannelGeometry
    ) -> Bool {
        messages.update(at: Int(piece.messageID - baseID)) { message in
            writer.appendPiece(
                piece.fragment, of: message.fragmentCount, of: message.bytes, channel: piece.channel,
                messageID: WrappingSequence.truncate(piece.messageID), geometry: geometry)
        }
    }

    /// Marks `pieces[range]` (a packet's pieces on this channel) acknowledged, then lets go of
    /// the messages done with at the front: each piece's message read and marked in one
    /// access, and the front looked at once a packet, not once a piece.
    mutating func acknowledge(_ pieces: [PieceReference], in range: Range<Int>) {
        // The front is never left acknowledged (the loop below lets it go), so only a piece of
        // the front's message can complete it, and `baseID` holds until the loop.
        assert(!frontIsAcked, "an acknowledged front was left")
        var frontDone = false
        for index in range {
            let piece = pieces[index]
            guard piece.messageID >= baseID, piece.messageID < nextID else { continue }
            let offset = Int(piece.messageID - baseID)
            let done = messages.update(at: offset) { message -> Bool in
                guard !message.isAcked(fragment: piece.fragment) else { return false }
                if message.fragmentCount > 1 { message.ackedFragments[piece.fragment] = true }
                message.ackedCount += 1
                return message.isAcked
            }
            if done, offset == 0 { frontDone = true }
        }
        guard frontDone else { return }
        while frontIsAcked {
            let byteCount = messages.removeFirst { $0.bytes.count }
            queued.remove(byteCount: byteCount)
            baseID += 1
        }
    }

    /// Whether the oldest message is fully acknowledged (and so can be let go).
    private var frontIsAcked: Bool { !messages.isEmpty && messages.read(at: 0, { $0.isAcked }) }

    mutating func markLost(_ piece: PieceReference) {
        guard piece.messageID >= baseID,
            !messages.read(at: Int(piece.messageID - baseID), { $0.isAcked(fragment: piece.fragment) })
        else { return }
        resends.append(piece)
    }
}
