import NetplayBase
import NetplayChannels

/// The connected peers' states, kept in id order in an array, found by binary search.
///
/// Every message sent or received mutates a peer's channels. Through a `[NetPeer: PeerState]`
/// each such write is an optional-chained `Dictionary` modify, which (unspecialized, as in
/// debug builds) allocates its coroutine frames and a buffer for the value: several
/// allocations per message, counted by the allocation test. Here a write goes through
/// ``update(_:_:)`` into the array in place, and the id order the tick walks is kept as
/// peers join and leave instead of being sorted every tick.
///
/// A peer joins *quiet*: connected, with no channel state. Its state (648 bytes a slot,
/// about half the heap an idle connection cost a host) is made by ``updateMaterializing(_:now:_:)``
/// when the first message is queued for it or the first payload arrives from it; a host of
/// many players who have not exchanged a message yet (a lobby, spectators) holds a few bytes
/// for each. Quiet peers have nothing to flush, acknowledge or resend: ``update(_:_:)`` and
/// the passes over every state skip them.
struct PeerTable: Sendable {
    /// Every connected peer, quiet or not, in id order.
    private(set) var all: [NetPeer] = []
    /// Peers with channel state, in id order; `states[i]` belongs to `order[i]`.
    private(set) var order: [NetPeer] = []
    private var states: [NetCore.PeerState] = []
    /// Connected peers without channel state yet, in id order.
    private var quiet: [NetPeer] = []
    /// The quiet peers that are interrupted (see ``NetCore/PeerState/isInterrupted``): few.
    private var quietInterrupted: [NetPeer] = []
    /// The room ``states`` takes when its first state comes (see ``reserveCapacity(forPeers:)``).
    private var statesToReserve = 0
    /// What a quiet peer's channels are made with. Kept here rather than passed to
    /// ``updateMaterializing(_:now:_:)``: an argument read from the core while the core's
    /// table is changed was retained and released at every message.
    let settings: ChannelSettings

    /// An empty table whose peers' channels get `settings`.
    init(settings: ChannelSettings) {
        self.settings = settings
    }

    /// A state for a peer with channels that have carried nothing yet.
    func newState(now: NetInstant) -> NetCore.PeerState {
        NetCore.PeerState(channels: ChannelEndpoint(settings: settings, now: now))
    }

    var isEmpty: Bool { all.isEmpty }

    /// How many peers are connected, quiet ones included.
    var count: Int { all.count }

    /// The peer's state (a copy), or nil if it is not connected or still quiet.
    subscript(peer: NetPeer) -> NetCore.PeerState? {
        position(of: peer).map { states[$0] }
    }

    /// Whether `peer` is connected (quiet or not).
    func contains(_ peer: NetPeer) -> Bool { Self.position(of: peer, in: all) != nil }

    /// Whether `peer` is connected and still has no channel state.
    func isQuiet(_ peer: NetPeer) -> Bool { Self.position(of: peer, in: quiet) != nil }

    /// Where `peer`'s state is. Asked for every message sent and received, and for every
    /// peer at a tick: a binary search of the ids, about six comparisons at 64 peers and ten
    /// at 1,000, where a `[NetPeer: Int]` beside the array hashed the id with SipHash (some
    /// 270 instructions a lookup, 2 % of a 32-client host's) and cost its buckets per peer.
    @inline(__always)
    private func position(of peer: NetPeer) -> Int? { Self.position(of: peer, in: order) }

    /// Where `peer` is in `list` (in id order), if it is there. Inlined: it is every message's
    /// lookup (``position(of:)``), where a call of its own cost a round trip some 140
    /// instructions (callgrind).
    @inline(__always)
    private static func position(of peer: NetPeer, in list: [NetPeer]) -> Int? {
        let index = firstPosition(notBelow: peer, in: list)
        return index < list.count && list[index] == peer ? index : nil
    }

    /// The first position in `list` (in id order) whose id is not below `peer`'s: `peer`'s if
    /// it is there, else where it belongs. Not generic: a search generic over the table's
    /// element ran unspecialized in the benchmarks' release build, about 800 instructions a
    /// game-thread round trip (commit 98730ac).
    @inline(__always)
    private static func firstPosition(notBelow peer: NetPeer, in list: [NetPeer]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle].id.rawValue < peer.id.rawValue { low = middle + 1 } else { high = middle }
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

    /// Runs `body` on the peer's state in place; nil (and `body` not run) if it is not
    /// connected or still quiet (it has nothing to flush, acknowledge or resend).
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

    /// Runs `body` on the peer's state in place, first making the state of a quiet peer; nil
    /// (and `body` not run) if it is not connected. For what needs channels: a message queued
    /// for the peer, a payload from it.
    @discardableResult
    mutating func updateMaterializing<Result, Failure: Error>(
        _ peer: NetPeer, now: NetInstant,
        _ body: (inout NetCore.PeerState) throws(Failure) -> Result
    ) throws(Failure) -> Result? {
        // One call of `body`, which is inlined here: each caller's closure once, not twice.
        var index = position(of: peer)
        if index == nil { index = materialize(peer, now: now) }
        guard let index else { return nil }
        return try body(&states[index])
    }

    /// Gives quiet `peer` its channel state; where the state is, or nil if `peer` is not quiet.
    /// Out of line: the path of a peer's first message only.
    @inline(never)
    private mutating func materialize(_ peer: NetPeer, now: NetInstant) -> Int? {
        guard let wasInterrupted = takeQuiet(peer) else { return nil }
        var state = newState(now: now)
        state.isInterrupted = wasInterrupted
        return insertState(state, for: peer)
    }

    /// Takes `peer` out of the quiet lists; whether it was interrupted, or nil if it was not
    /// quiet.
    private mutating func takeQuiet(_ peer: NetPeer) -> Bool? {
        guard let index = Self.position(of: peer, in: quiet) else { return nil }
        quiet.remove(at: index)
        guard let interrupted = quietInterrupted.firstIndex(of: peer) else { return false }
        quietInterrupted.remove(at: interrupted)
        return true
    }

    /// Whether the peer is interrupted (silent for a while); nil if it is not connected.
    mutating func isInterrupted(_ peer: NetPeer) -> Bool? {
        if let interrupted = update(peer, { $0.isInterrupted }) { return interrupted }
        return isQuiet(peer) ? quietInterrupted.contains(peer) : nil
    }

    /// Marks the peer interrupted or not; false if it is not connected.
    mutating func setInterrupted(_ peer: NetPeer, _ interrupted: Bool) -> Bool {
        if update(peer, { $0.isInterrupted = interrupted }) != nil { return true }
        guard isQuiet(peer) else { return false }
        quietInterrupted.removeAll { $0 == peer }
        if interrupted { quietInterrupted.append(peer) }
        return true
    }

    /// Adds `peer` quiet, with no channel state, or makes it quiet again.
    mutating func insertQuiet(_ peer: NetPeer) {
        remove(peer)
        Self.insert(peer, into: &all)
        Self.insert(peer, into: &quiet)
    }

    /// Adds `peer` with `state`, or replaces its state.
    mutating func insert(_ state: NetCore.PeerState, for peer: NetPeer) {
        _ = takeQuiet(peer)
        Self.insert(peer, into: &all)
        insertState(state, for: peer)
    }

    /// Puts `state` in ``states`` for `peer` (replacing its state if it has one); returns where.
    @discardableResult
    private mutating func insertState(_ state: NetCore.PeerState, for peer: NetPeer) -> Int {
        let index = Self.firstPosition(notBelow: peer, in: order)
        if index < order.count, order[index] == peer {
            states[index] = state
            return index
        }
        if states.capacity < statesToReserve { states.reserveCapacity(statesToReserve) }
        order.insert(peer, at: index)
        states.insert(state, at: index)
        return index
    }

    /// Inserts `peer` into `list` (in id order) unless it is there.
    private static func insert(_ peer: NetPeer, into list: inout [NetPeer]) {
        let index = firstPosition(notBelow: peer, in: list)
        if index < list.count, list[index] == peer { return }
        list.insert(peer, at: index)
    }

    /// Removes `peer`, if connected.
    mutating func remove(_ peer: NetPeer) {
        guard let allIndex = Self.position(of: peer, in: all) else { return }
        all.remove(at: allIndex)
        if let index = position(of: peer) {
            order.remove(at: index)
            states.remove(at: index)
        } else {
            _ = takeQuiet(peer)
        }
    }

    mutating func removeAll() {
        all.removeAll()
        order.removeAll()
        states.removeAll()
        quiet.removeAll()
        quietInterrupted.removeAll()
    }

    /// Makes room for a host's `maxPeers` at once (at most `PeerIDOrder.maxReserved`), as ENet
    /// allocates its peers when a host is made. Grown by doubling as players joined, the table
    /// left each smaller array it outgrew to the allocator: at 256 peers, 192 KiB of freed
    /// blocks that stayed in the process's memory. The three lists of ids (12 bytes a peer in
    /// all) are reserved now; the states' room (648 bytes a peer: the default 16 peers take
    /// 10 KiB) when the first peer gets channel state, so a host whose peers are all quiet
    /// holds none. From about 200 peers glibc maps that room fresh, and its pages become
    /// resident only as peers get state (below that it may reuse memory the process already
    /// holds).
    mutating func reserveCapacity(forPeers maxPeers: Int) {
        let count = min(maxPeers, PeerIDOrder.maxReserved)
        all.reserveCapacity(count)
        order.reserveCapacity(count)
        quiet.reserveCapacity(count)
        statesToReserve = count
        if !states.isEmpty { states.reserveCapacity(count) }
    }
}
