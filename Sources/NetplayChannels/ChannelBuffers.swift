import NetplayBase

/// Storage the channels of every peer reuse, kept by their owner (a session's core) and lent
/// to each peer's endpoint in turn: kept per peer instead, a host would hold it for every peer
/// that was ever busy.
package struct ChannelBuffers: Sendable {
    /// Buffers of payloads already sealed into packets, for the next payloads. The owner puts
    /// a payload's buffer back once it is sealed.
    package var payloads = PacketBufferStash()
    /// Piece lists of acknowledged packets, for the next packets' ledger records.
    package var pieceLists = PieceListStash()

    package init() {}
}

/// The lists of reliable pieces that acknowledged packets' ledger records held, kept emptied
/// for the next packets' records: each packet with reliable entries stores one, and a new
/// list per packet was the last allocation of a reliable message's steady state.
///
/// Bounded: at most ``maxLists`` lists of room for at most ``maxListCapacity`` pieces each
/// (about 12 KiB). A packet with more pieces gets a list of its own, as before.
package struct PieceListStash: Sendable {
    private var lists: [[PieceReference]] = []

    package init() {}

    /// Lists kept.
    package var count: Int { lists.count }

    /// A copy of `pieces` in storage of its own: a kept list's if there is one, else a new
    /// one of exactly their size (never `pieces`' own storage, a scratch list with room for
    /// a whole payload's pieces that its owner refills at once).
    package mutating func copy(of pieces: [PieceReference]) -> [PieceReference] {
        guard !pieces.isEmpty else { return [] }
        var list = lists.popLast() ?? []
        list.reserveCapacity(pieces.count)
        list.append(contentsOf: pieces)
        return list
    }

    /// Keeps the storage of `pieces` emptied if it is small and there is room, leaving
    /// `pieces` empty either way.
    package mutating func recycle(_ pieces: inout [PieceReference]) {
        guard pieces.capacity > 0, pieces.capacity <= Self.maxListCapacity, lists.count < Self.maxLists else {
            pieces = []
            return
        }
        if lists.capacity == 0 { lists.reserveCapacity(Self.maxLists) }
        var list = pieces.lend()
        list.empty()
        lists.append(list)
    }

    /// The most lists kept: a few ticks of a busy peer's packets.
    package static let maxLists = 8
    /// The largest list kept: the pieces of a payload of small messages (a full payload of
    /// 16-byte messages carries about 50).
    package static let maxListCapacity = 64
}
