import NetplayBase
import NetplayLinkConditioner

/// Datagrams a ``LinkConditioner`` holds back, in either direction of a real socket, until the
/// time it says they arrive (``SocketTransport/setImpairment(_:for:)``).
struct ImpairedLinks {
    var outbound: LinkConditioner
    var inbound: LinkConditioner
    var impairsOutbound = false
    var impairsInbound = false
    /// Datagrams "on the wire", in no order: a handful at a time, looked over at each pass.
    var inTransit: [InTransit] = []

    struct InTransit {
        let arrives: NetInstant
        let address: PeerAddress
        let bytes: [UInt8]
        let direction: LinkDirection
    }

    /// Real sockets impaired for a trial run; the seed only has to differ by direction.
    init(seed: UInt64 = 0) {
        var seed = seed
        outbound = LinkConditioner(seed: DeterministicRandom.splitMix64(&seed))
        inbound = LinkConditioner(seed: DeterministicRandom.splitMix64(&seed))
    }

    /// When the next datagram held back arrives.
    var nextDue: NetInstant? { inTransit.lazy.map(\.arrives).min() }

    /// Whether a direction is impaired, or datagrams it delayed are still to be delivered.
    var isActive: Bool { impairsOutbound || impairsInbound || !inTransit.isEmpty }

    /// Passes one datagram through its direction's conditioner: returns the copies that arrive
    /// now and keeps the delayed ones.
    mutating func submit(
        _ bytes: [UInt8], address: PeerAddress, direction: LinkDirection, now: NetInstant
    ) -> [[UInt8]] {
        var arrivingNow: [[UInt8]] = []
        let deliveries =
            direction == .outbound ? outbound.submit(bytes, now: now) : inbound.submit(bytes, now: now)
        for delivery in deliveries {
            if delivery.deliverAt <= now {
                arrivingNow.append(delivery.bytes)
            } else {
                inTransit.append(
                    InTransit(
                        arrives: delivery.deliverAt, address: address, bytes: delivery.bytes, direction: direction))
            }
        }
        return arrivingNow
    }

    /// Takes the datagrams that have arrived by `now`, earliest first.
    mutating func takeDue(now: NetInstant) -> [InTransit] {
        guard inTransit.contains(where: { $0.arrives <= now }) else { return [] }
        let due = inTransit.filter { $0.arrives <= now }.sorted { $0.arrives < $1.arrives }
        inTransit.removeAll { $0.arrives <= now }
        return due
    }
}

extension SocketTransport {
    /// Impairs one direction of the socket with a ``LinkConditioner`` (nil: a clean one
    /// again), from the next datagram; datagrams already delayed keep their schedule. The
    /// conditioner itself is kept, so its random stream and bottleneck queue carry on across
    /// changes. In game-thread mode delayed datagrams move at the game's service calls.
    func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection) {
        self.impairment.withLock { links in
            var updated = links ?? ImpairedLinks()
            switch direction {
            case .outbound:
                updated.impairsOutbound = impairment != nil
                if let impairment { updated.outbound.impairment = impairment }
            case .inbound:
                updated.impairsInbound = impairment != nil
                if let impairment { updated.inbound.impairment = impairment }
            }
            links = updated
            // Still impaired while delayed datagrams remain to be delivered. Stored under the
            // lock, as `deliverDue` stores it, so neither undoes the other's newer decision.
            isImpaired.store(updated.isActive, ordering: .relaxed)
        }
    }

    /// Sends through the outbound conditioner when it is on: what arrives now leaves now, the
    /// rest at its time (``deliverDue(to:)``).
    func sendImpaired(_ datagrams: [Datagram]) {
        let now = clock.now
        var leaving: [(PeerAddress, [UInt8])] = []
        let delayed = impairment.withLock { links -> Bool in
            guard var current = links, current.impairsOutbound else {
                leaving = datagrams.map { ($0.address, $0.bytes) }
                return false
            }
            let held = current.inTransit.count
            for datagram in datagrams {
                for bytes in current.submit(datagram.bytes, address: datagram.address, direction: .outbound, now: now) {
                    leaving.append((datagram.address, bytes))
                }
            }
            links = current
            return current.inTransit.count > held
        }
        socket.send(leaving)
        if delayed { wakeIfSleeping() }
    }

    /// Hands a datagram read from the socket to the session, through the inbound conditioner
    /// when it is on.
    func receive(_ bytes: [UInt8], from address: PeerAddress, into session: NetSession) {
        guard isImpaired.load(ordering: .relaxed) else {
            return session.receive(bytes, from: address, now: clock.now)
        }
        let now = clock.now
        let arriving = impairment.withLock { links -> [[UInt8]]? in
            guard var current = links, current.impairsInbound else { return nil }
            defer { links = current }
            return current.submit(bytes, address: address, direction: .inbound, now: now)
        }
        for copy in arriving ?? [bytes] { session.receive(copy, from: address, now: now) }
    }

    /// Delivers the delayed datagrams whose time has come: received ones to the session (a read
    /// burst of their own), sent ones to the socket.
    func deliverDue(to session: NetSession) {
        let now = clock.now
        let due = impairment.withLock { links -> [ImpairedLinks.InTransit] in
            guard var current = links else { return [] }
            defer { links = current }
            let due = current.takeDue(now: now)
            // Stored under the lock, as `setImpairment` stores it.
            if !current.isActive { isImpaired.store(false, ordering: .relaxed) }
            return due
        }
        guard !due.isEmpty else { return }
        var received = false
        for datagram in due {
            switch datagram.direction {
            case .outbound:
                socket.send([(datagram.address, datagram.bytes)])
            case .inbound:
                session.receive(datagram.bytes, from: datagram.address, now: now)
                received = true
            }
        }
        if received {
            session.publishReceived()
            session.serviceReadBurst(now: clock.now)
        }
    }

    /// When the next delayed datagram falls due, if any is held back.
    var nextImpairedDelivery: NetInstant? {
        guard isImpaired.load(ordering: .relaxed) else { return nil }
        return impairment.withLock { $0?.nextDue }
    }

    /// Wakes a sleeping network thread to look at its deadlines again.
    private func wakeIfSleeping() {
        if state.withLock({ $0.wakeFromSleep() }) { wake?.signal() }
    }
}
