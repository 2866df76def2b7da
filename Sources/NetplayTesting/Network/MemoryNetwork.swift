import NetplayBase
import NetplayLinkConditioner

/// An in-process datagram network in virtual time: many endpoints, no sockets, no threads,
/// every link optionally impaired — and the whole run a function of one seed.
///
/// Protocol tests use it the way quinn-proto's tests use their in-memory pair: bind a few
/// addresses, send, then move time forward with ``advance(to:)`` (or jump straight to
/// ``nextDeliveryTime``) and drain each socket with ``receive(on:)``. A million packets through
/// a lossy link take seconds, and a failure replays exactly from its seed.
///
/// ```swift
/// var network = MemoryNetwork(seed: 42, defaultImpairment: .lossy)
/// let host = try network.bind(.memory(node: 1, port: 7777))
/// let client = try network.bind(.memory(node: 2, port: 50_000))
/// network.send(from: client.address, to: host.address, bytes: [1, 2, 3])
/// while let next = network.nextDeliveryTime {
///     network.advance(to: next)
///     for datagram in network.receive(on: host) { /* … */ }
/// }
/// ```
///
/// Links are per direction, `(from, to)`, each with its own ``LinkConditioner`` seeded from the
/// network seed and the two addresses, so adding an endpoint never changes what happens on the
/// other links. Datagrams arrive in order of arrival time, then of sending. Any source address
/// may be used, bound or not, so tests can spoof senders; a datagram whose destination is not
/// bound when it arrives vanishes and is counted.
package struct MemoryNetwork: Sendable {
    /// What the network has done so far.
    package struct Counters: Sendable, Hashable {
        /// Datagrams passed to ``MemoryNetwork/send(from:to:bytes:)``.
        package var sent = 0
        /// Datagrams placed in a socket's inbox.
        package var delivered = 0
        /// Datagrams that arrived at an address nobody had bound.
        var droppedUnbound = 0
        /// Datagrams that arrived at a full inbox (a socket receive buffer overrun).
        var droppedInboxFull = 0
    }

    /// The seed every link's randomness derives from.
    package let seed: UInt64
    /// The current virtual time; it only moves forward, through ``advance(to:)``.
    package private(set) var now: NetInstant
    /// Conditions on every link that has no ``setImpairment(from:to:_:)`` of its own.
    /// Changing it takes effect from the next datagram sent.
    var defaultImpairment: LinkImpairment
    /// Most datagrams an inbox holds before arrivals are dropped, like a socket's receive
    /// buffer. Bounds memory when a test forgets to drain a socket.
    var inboxCapacity: Int
    /// What has happened so far.
    package private(set) var counters = Counters()

    private var inboxes: [PeerAddress: [ReceivedDatagram]] = [:]
    private var links: [LinkKey: Link] = [:]
    private var inFlight = DeliveryQueue()
    private var nextSequence: UInt64 = 0

    /// A receive buffer of about 4,096 datagrams, the order of a default UDP socket buffer
    /// (~200 KB) filled with game-sized packets.
    static let defaultInboxCapacity = 4096

    /// Creates an empty network at time `start`.
    package init(
        seed: UInt64,
        defaultImpairment: LinkImpairment = .perfect,
        start: NetInstant = .zero,
        inboxCapacity: Int = MemoryNetwork.defaultInboxCapacity
    ) {
        self.seed = seed
        self.defaultImpairment = defaultImpairment
        self.now = start
        self.inboxCapacity = inboxCapacity
    }

    /// Starts receiving at `address`.
    /// - Throws: ``MemoryNetworkError/addressInUse(_:)`` if it is already bound.
    package mutating func bind(_ address: PeerAddress) throws(MemoryNetworkError) -> MemorySocket {
        guard inboxes[address] == nil else { throw .addressInUse(address) }
        inboxes[address] = []
        return MemorySocket(address: address)
    }

    /// Stops receiving at the socket's address; undrained datagrams are discarded and later
    /// arrivals count as unbound.
    package mutating func close(_ socket: MemorySocket) {
        inboxes[socket.address] = nil
    }

    /// Sends a datagram now. It arrives after the link's impairment has had its way with it.
    package mutating func send(from source: PeerAddress, to destination: PeerAddress, bytes: [UInt8]) {
        counters.sent += 1
        let key = LinkKey(from: source, to: destination)
        var link = links[key] ?? Link(conditioner: LinkConditioner(seed: linkSeed(for: key)))
        link.conditioner.impairment = link.override ?? defaultImpairment
        for delivery in link.conditioner.submit(bytes, now: now) {
            inFlight.insert(
                DeliveryQueue.Entry(
                    deliverAt: delivery.deliverAt, sequence: nextSequence,
                    from: source, to: destination, bytes: delivery.bytes
                ))
            nextSequence += 1
        }
        links[key] = link
    }

    /// Takes every datagram waiting at the socket, oldest first.
    package mutating func receive(on socket: MemorySocket) -> [ReceivedDatagram] {
        guard let inbox = inboxes[socket.address], !inbox.isEmpty else { return [] }
        inboxes[socket.address] = []
        return inbox
    }

    /// Moves virtual time to `instant` (never backwards), delivering every datagram due by
    /// then in arrival order.
    package mutating func advance(to instant: NetInstant) {
        guard instant >= now else { return }
        while let entry = inFlight.popFirst(dueBy: instant) {
            now = entry.deliverAt
            deliver(entry)
        }
        now = instant
    }

    /// Moves virtual time forward by `duration`.
    package mutating func advance(by duration: Duration) {
        advance(to: now + duration)
    }

    /// When the next datagram in flight arrives, or `nil` if none is in flight.
    var nextDeliveryTime: NetInstant? { inFlight.first?.deliverAt }

    /// How many datagrams are in flight.
    var inFlightCount: Int { inFlight.count }

    /// Sets the conditions for datagrams from `source` to `destination` (one direction only);
    /// `nil` returns the link to ``defaultImpairment``. Datagrams already in flight keep
    /// their schedule, as on a real network.
    package mutating func setImpairment(
        from source: PeerAddress, to destination: PeerAddress, _ impairment: LinkImpairment?
    ) {
        let key = LinkKey(from: source, to: destination)
        var link = links[key] ?? Link(conditioner: LinkConditioner(seed: linkSeed(for: key)))
        link.override = impairment
        links[key] = link
    }

    /// The conditions datagrams from `source` to `destination` meet.
    package func impairment(from source: PeerAddress, to destination: PeerAddress) -> LinkImpairment {
        links[LinkKey(from: source, to: destination)]?.override ?? defaultImpairment
    }

    /// What the link from `source` to `destination` has done so far.
    func linkCounters(from source: PeerAddress, to destination: PeerAddress) -> LinkConditioner.Counters {
        links[LinkKey(from: source, to: destination)]?.conditioner.counters ?? LinkConditioner.Counters()
    }

    private mutating func deliver(_ entry: DeliveryQueue.Entry) {
        guard inboxes[entry.to] != nil else {
            counters.droppedUnbound += 1
            return
        }
        guard inboxes[entry.to, default: []].count < inboxCapacity else {
            counters.droppedInboxFull += 1
            return
        }
        inboxes[entry.to, default: []].append(ReceivedDatagram(from: entry.from, bytes: entry.bytes))
        counters.delivered += 1
    }

    /// A per-link seed from the network seed and the address bytes. FNV-1a rather than
    /// `Hasher`, which is randomly seeded per process and would make runs unrepeatable.
    private func linkSeed(for key: LinkKey) -> UInt64 {
        var hash: UInt64 = Self.fnvOffsetBasis
        for byte in key.from.bytes + [Self.addressSeparator] + key.to.bytes {
            hash = (hash ^ UInt64(byte)) &* Self.fnvPrime
        }
        var mixed = seed ^ hash
        return DeterministicRandom.splitMix64(&mixed)
    }

    private static let fnvOffsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3
    /// Keeps (a, bc) and (ab, c) apart; no address family tag is 0xFF.
    private static let addressSeparator: UInt8 = 0xFF

    private struct LinkKey: Hashable, Sendable {
        var from: PeerAddress
        var to: PeerAddress
    }

    private struct Link: Sendable {
        var conditioner: LinkConditioner
        /// This link's own conditions, or `nil` to follow ``MemoryNetwork/defaultImpairment``.
        var override: LinkImpairment?
    }
}
