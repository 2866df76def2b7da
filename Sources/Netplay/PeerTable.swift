/// The connected peers' states, kept in id order in an array, found by binary search.
///
/// Every message sent or received mutates a peer's channels. Through a `[NetPeer: PeerState]`
/// each such write is an optional-chained `Dictionary` modify, which (unspecialized, as in
/// debug builds) allocates its coroutine frames and a buffer for the value: several
/// allocations per message, counted by the allocation test. Here a write goes through
/// ``update(_:_:)`` into the array in place, and the id order the tick walks is kept as
/// peers join and leave instead of being sorted every tick.
struct PeerTable: Sendable {
    /// Peers in id order; `states[i]` belongs to `order[i]`.
    private(set) var order: [NetPeer] = []
    private var states: [NetCore.PeerState] = []

    var isEmpty: Bool { order.isEmpty }

    /// The peer's state (a copy), or nil if it is not connected.
    subscript(peer: NetPeer) -> NetCore.PeerState? {
        position(of: peer).map { states[$0] }
    }

    /// Whether `peer` is connected.
    func contains(_ peer: NetPeer) -> Bool { position(of: peer) != nil }

    /// Where `peer`'s state is. Asked for every message sent and received, and for every
    /// peer at a tick: a binary search of the ids, about six comparisons at 64 peers and ten
    /// at 1,000, where a `[NetPeer: Int]` beside the array hashed the id with SipHash (some
    /// 270 instructions a lookup, 2 % of a 32-client host's) and cost its buckets per peer.
    private func position(of peer: NetPeer) -> Int? {
        let index = firstPosition(notBelow: peer)
        return index < order.count && order[index] == peer ? index : nil
    }

    /// The first position in ``order`` whose id is not below `peer`'s: `peer`'s if it is
    /// there, else where it belongs.
    private func firstPosition(notBelow peer: NetPeer) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle].id.rawValue < peer.id.rawValue { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether some peer's state satisfies `predicate`. Each state is lent `inout` for
    /// `predicate` to read in place, as in ``earliest(_:)``.
    mutating func contains(where predicate: (inout NetCore.PeerState) -> Bool) -> Bool {
        for index in states.indices where predicate(&states[index]) { return true }
        return false
    }

    /// The earliest `instant` of any peer's state, or nil if none has one. Each state is lent
    /// `inout` for `instant` to read in place (passed by value, each was copied).
    mutating func earliest(_ instant: (inout NetCore.PeerState) -> NetInstant?) -> NetInstant? {
        var earliest: NetInstant?
        for index in states.indices {
            guard let candidate = instant(&states[index]) else { continue }
            earliest = min(earliest ?? candidate, candidate)
        }
        return earliest
    }

    /// Runs `body` on the peer's state in place; nil (and `body` not run) if it is not connected.
    @discardableResult
    mutating func update<Result, Failure: Error>(
        _ peer: NetPeer, _ body: (inout NetCore.PeerState) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        guard let index = position(of: peer) else { return nil }
        return try body(&states[index])
    }

    /// Runs `body` on every peer's state in place, in id order: for a tick's passes over every
    /// peer, where ``update(_:_:)`` per peer searched for each one it was already at.
    mutating func updateEach(_ body: (NetPeer, inout NetCore.PeerState) -> Void) {
        for index in states.indices { body(order[index], &states[index]) }
    }

    /// Adds `peer` with `state`, or replaces its state.
    mutating func insert(_ state: NetCore.PeerState, for peer: NetPeer) {
        let index = firstPosition(notBelow: peer)
        if index < order.count, order[index] == peer {
            states[index] = state
            return
        }
        order.insert(peer, at: index)
        states.insert(state, at: index)
    }

    /// Removes `peer`, if connected.
    mutating func remove(_ peer: NetPeer) {
        guard let index = position(of: peer) else { return }
        order.remove(at: index)
        states.remove(at: index)
    }

    mutating func removeAll() {
        order.removeAll()
        states.removeAll()
    }

    /// Makes room for a host's `maxPeers` at once (at most `PeerIDOrder.maxReserved`), as ENet allocates
    /// its peers when a host is made. Grown by doubling as players joined, the table left each
    /// smaller array it outgrew to the allocator: at 256 peers, 192 KiB of freed blocks that
    /// stayed in the process's memory. A state is 768 bytes, so the default 16 peers reserve
    /// 12 KiB; from about 170 peers glibc maps the room fresh, and its pages become resident
    /// only as peers join (below that it may reuse memory the process already holds).
    mutating func reserveCapacity(forPeers maxPeers: Int) {
        let count = min(maxPeers, PeerIDOrder.maxReserved)
        order.reserveCapacity(count)
        states.reserveCapacity(count)
    }
}
