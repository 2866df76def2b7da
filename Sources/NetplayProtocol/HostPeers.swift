import NetplayBase

/// A host's peers in id order, in two arrays found by binary search.
///
/// A `[PeerID: HostPeer]` kept every record in a bucket array at most three quarters full:
/// 1.3 to 2.7 buckets of the record's 184 bytes a peer (about 370 at 128 or 256 peers). Here
/// a record takes its own size, a lookup is some ten comparisons at 1,000 peers, and the id
/// order ``HostEndpoint/connectedPeers`` gives (and `update` walks at every tick) is the
/// table's own, where a list of ids was kept beside the dictionary.
struct HostPeers: Sendable {
    /// Peer ids in increasing order; `values[i]` is `ids[i]`'s record.
    private(set) var ids: [PeerID] = []
    /// The records, changed in place through this array (`peers.values[index].connection…`,
    /// the array's own accessor); added and removed only through ``subscript(_:)`` and
    /// ``remove(_:)``, which keep it in step with ``ids``.
    var values: [HostPeer] = []

    var count: Int { ids.count }
    var isEmpty: Bool { ids.isEmpty }
    var indices: Range<Int> { ids.indices }

    /// Where `id`'s record is, or nil if it has none.
    func index(of id: PeerID) -> Int? {
        let position = firstPosition(notBelow: id)
        return position < ids.count && ids[position] == id ? position : nil
    }

    /// `id`'s record (a copy); setting one adds or replaces it, setting nil removes it.
    subscript(id: PeerID) -> HostPeer? {
        get { index(of: id).map { values[$0] } }
        set {
            let position = firstPosition(notBelow: id)
            let present = position < ids.count && ids[position] == id
            switch (newValue, present) {
            case (let record?, true):
                values[position] = record
            case (let record?, false):
                ids.insert(id, at: position)
                values.insert(record, at: position)
            case (nil, true):
                ids.remove(at: position)
                values.remove(at: position)
            case (nil, false):
                break
            }
        }
    }

    /// Makes room for `maxPeers` records at once (at most `PeerIDOrder.maxReserved`): grown by doubling as
    /// players joined, the table left each smaller array it outgrew to the allocator (see
    /// `PeerTable.reserveCapacity(forPeers:)` in `Netplay`, which does the same). A copy of
    /// ``ids`` held while a record is added or removed makes the table copy them at their
    /// count, losing the room: walk the table by index instead.
    mutating func reserveCapacity(forPeers maxPeers: Int) {
        let count = min(maxPeers, PeerIDOrder.maxReserved)
        ids.reserveCapacity(count)
        values.reserveCapacity(count)
    }

    /// Removes `id`'s record and returns it; nil if it has none.
    mutating func remove(_ id: PeerID) -> HostPeer? {
        guard let position = index(of: id) else { return nil }
        ids.remove(at: position)
        return values.remove(at: position)
    }

    /// The first position whose id is not below `id`: `id`'s if it is there, else where it belongs.
    private func firstPosition(notBelow id: PeerID) -> Int {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle].rawValue < id.rawValue { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
