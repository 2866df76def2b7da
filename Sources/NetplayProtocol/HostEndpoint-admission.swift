import NetplayBase

/// Who may start a handshake, when it is handled, and who holds a seat: the host's defences
/// against handshake floods and half-open connections.
extension HostEndpoint {
    /// The gate every `hello` and `response` passes before it is parsed: the anti-amplification
    /// floor, then the source's token bucket (before any cryptography, queueing or reply),
    /// then either handled at once or deferred.
    mutating func admitHandshakePacket(
        _ datagram: [UInt8], type: PacketType, from address: PeerAddress, now: NetInstant
    )
        -> DropReason?
    {
        guard datagram.count >= FieldSize.handshakeFloor else { return .unpadded }
        guard handshakeLimiter.allow(address.source, now: now) else { return .throttled }
        guard defersHandshakes else { return handleHandshake(datagram, type: type, from: address, now: now) }
        guard deferredHandshakes.count < config.maxDeferredHandshakes else { return .backlogged }
        // Only what a parser reads is kept: the padding proved its size already, and a queue
        // of whole padded datagrams held up to 1,200 bytes a stranger's packet (300 KiB at the
        // default bound), where these are 118.
        deferredHandshakes.append((Array(datagram.prefix(ResponsePacket.contentByteCount)), address))
        return nil
    }

    /// Handles the handshake packets deferred since the last call (see ``defersHandshakes``).
    package mutating func serviceHandshakes(now: NetInstant) {
        latestNow = max(latestNow, now)
        guard !deferredHandshakes.isEmpty else { return }
        let waiting = deferredHandshakes
        deferredHandshakes = []
        for packet in waiting {
            let type = packet.bytes.first.flatMap(PacketType.init(rawValue:))
            guard let type, !isShutDown else { continue }
            if let reason = handleHandshake(packet.bytes, type: type, from: packet.address, now: now) {
                drops.record(reason)
            }
        }
    }

    private mutating func handleHandshake(
        _ datagram: [UInt8], type: PacketType, from address: PeerAddress, now: NetInstant
    )
        -> DropReason?
    {
        switch type {
        case .hello: return handleHello(datagram, from: address, now: now)
        case .response: return handleResponse(datagram, from: address, now: now)
        case .challenge, .accepted, .denied, .connected: return .unexpected
        }
    }

    /// Forgets pending peers admitted ``ProtocolConfig/pendingTimeout`` ago or more. The game
    /// never heard of them, so nothing is reported.
    mutating func expirePending(now: NetInstant) {
        // Backwards, so a removal moves no record still to be looked at; by index, as
        // unspecialized (debug builds) an iterator or a filtered copy allocated at every tick.
        var index = peers.count - 1
        while index >= 0 {
            if !peers.values[index].connection.hasHeardFromPeer,
                now - peers.values[index].admittedAt >= config.pendingTimeout
            {
                remove(peers.ids[index], reason: .timedOut)
            }
            index -= 1
        }
    }

    /// Why a new client from `source` may not be admitted, or nil after making room for it:
    /// pending peers are evicted oldest first (this source's own first, beyond its cap), so
    /// half-open handshakes can delay nobody for long and only confirmed players fill a host.
    mutating func seatRefusal(for source: PeerAddress) -> DenialReason? {
        // One pass, no copies: a host admitting a burst of players runs this per admission.
        var confirmed = 0
        var confirmedFromSource = 0
        for index in peers.indices where peers.values[index].connection.hasHeardFromPeer {
            confirmed += 1
            if peers.values[index].source == source { confirmedFromSource += 1 }
        }
        if confirmedFromSource >= config.maxPeersPerSource { return .tooManyFromAddress }
        if confirmed >= config.maxPeers { return .hostFull }
        while oldestPending(from: source).count >= max(config.maxPendingPerSource, 1) {
            evictOldestPending(from: source)
        }
        while peers.count >= config.maxPeers || pendingCount >= max(config.maxPendingHandshakes, 1) {
            guard evictOldestPending(from: nil) else { return .hostFull }
        }
        return nil
    }

    /// True when admitting a client from `source` would have to evict a pending peer admitted
    /// less than ``ProtocolConfig/pendingEvictionAge`` ago. Its client, if real, may not have
    /// had time to confirm: evicting it would strand a player that thinks it is in (it would
    /// time out), so a burst of real players larger than the pending caps would lose all but
    /// the last few. The newcomer's response is dropped instead, before any cryptography, and
    /// its client's resends (every ``ProtocolConfig/handshakeResendInterval``) try again.
    func seatsAreBusy(for source: PeerAddress, now: NetInstant) -> Bool {
        func tooYoung(_ pending: (count: Int, oldest: (id: PeerID, admittedAt: NetInstant)?)) -> Bool {
            guard let oldest = pending.oldest else { return false }
            return now - oldest.admittedAt < config.pendingEvictionAge
        }
        let ownPending = oldestPending(from: source)
        if ownPending.count >= max(config.maxPendingPerSource, 1), tooYoung(ownPending) { return true }
        guard peers.count >= config.maxPeers || pendingCount >= max(config.maxPendingHandshakes, 1) else {
            return false
        }
        return tooYoung(oldestPending(from: nil))
    }

    /// The pending peers (of `source`, or of anyone): how many, and the longest pending (ties
    /// broken by id, so eviction is deterministic).
    private func oldestPending(from source: PeerAddress?) -> (count: Int, oldest: (id: PeerID, admittedAt: NetInstant)?)
    {
        var count = 0
        var oldest: (id: PeerID, admittedAt: NetInstant)?
        for index in peers.indices {
            let peer = peers.values[index]
            guard !peer.connection.hasHeardFromPeer, source == nil || peer.source == source else { continue }
            count += 1
            let id = peers.ids[index]
            if let current = oldest, (current.admittedAt, current.id.rawValue) <= (peer.admittedAt, id.rawValue) {
                continue
            }
            oldest = (id, peer.admittedAt)
        }
        return (count, oldest)
    }

    /// Evicts the longest-pending peer (of `source`, or of anyone); false if there is none.
    @discardableResult
    private mutating func evictOldestPending(from source: PeerAddress?) -> Bool {
        guard let oldest = oldestPending(from: source).oldest else { return false }
        remove(oldest.id, reason: .timedOut)
        return true
    }
}
