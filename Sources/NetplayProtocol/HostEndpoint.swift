import NetplayBase

/// The host side of Netplay's connection protocol, as a value the driver mutates: datagrams
/// and the current time go in, datagrams and events come out. It opens no sockets and reads
/// no clock, so tests run it in virtual time.
///
/// ```swift
/// var host = HostEndpoint(config: ProtocolConfig(protocolID: 0x5348_4F4F))
/// host.receive(bytes, from: address, now: now)   // for every datagram
/// host.update(now: now)                          // every frame: keepalives, timeouts
/// for datagram in host.drainOutgoing() { socket.send(datagram) }
/// for event in host.drainEvents() { … }
/// ```
package struct HostEndpoint: Sendable {
    /// The settings this host runs with.
    package let config: ProtocolConfig
    /// Datagrams dropped so far, per reason.
    package internal(set) var drops = DropCounters()
    /// Whether ``shutDown()`` was called; a shut-down host ignores every datagram.
    package internal(set) var isShutDown = false

    package var random: ProtocolRandom
    package let cookies: CookieMinter
    /// The host's X25519 key for the handshakes of its lifetime. Stateless cookies mean the
    /// host cannot remember a per-client key between challenge and response; clients' keys are
    /// ephemeral, so each session's secret is still fresh.
    package let handshakeKey: EphemeralKeyPair
    /// Every peer admitted, pending ones included, in id order.
    var peers = HostPeers()
    var peerByAddress: [PeerAddress: PeerID] = [:]
    var outgoing: [Datagram] = []
    /// Buffers of sent packets (see ``recycleSent(_:)``), for the next ones sealed.
    var packetBuffers = PacketBufferStash()
    package var events: [HostEvent] = []
    /// Handshake replies queued since the last drain (capped by the config).
    var queuedHandshakeReplies = 0
    /// One token bucket per source for handshake packets, checked before any cryptography.
    var handshakeLimiter: SourceRateLimiter
    /// Responses answered per cookie, so replays cost no key exchange.
    var answered: AnsweredResponses
    /// Whether handshake packets wait for ``serviceHandshakes(now:)`` instead of being handled
    /// on arrival. A driver that reads datagrams in bursts sets it and services handshakes once
    /// the burst is read, so established peers' packets are handled first when the socket is
    /// backed up (a handshake flood then delays handshakes, not the game).
    package var defersHandshakes = false
    /// Handshake packets waiting for ``serviceHandshakes(now:)`` (bounded by the config).
    var deferredHandshakes: [(bytes: [UInt8], address: PeerAddress)] = []
    /// X25519 key agreements performed for responses so far; the costliest thing a stranger
    /// can make a host do, so a flood shows here first.
    package internal(set) var keyExchanges = 0
    /// The latest time the driver told us; stamps sends made without a `now`.
    var latestNow = NetInstant.zero
    /// When ``update(now:)`` last ran: a much later `now` means this process was paused.
    var lastUpdate: NetInstant?
    /// The earliest instant any peer's timers can fire (a pending peer's expiry, a keepalive,
    /// an interruption, a timeout, a path probe), as a pass over the peers last found it;
    /// `.zero` when it must be found again, nil when there are no peers. A packet sent or
    /// received only pushes a peer's timers later, so between passes this is early at worst
    /// (one pass with nothing to do). What can bring a timer sooner sets it to `.zero`: an
    /// admission, a confirmation, the end of an interruption, a path probe. Until it,
    /// ``update(now:)`` skips the pass over the peers and ``nextDeadline()`` answers without
    /// one: at every tick of a 60 Hz host those passes were some 1,000 instructions per peer.
    var peerTimersDue: NetInstant? = .zero
    /// Host migration, on a host that took over a session: the secret the old host shared
    /// (see `Rejoin`), and the seats of that session's players who may still come back.
    package var rejoinSecret: [UInt8]?
    package var awaitedRejoins: Set<PeerID> = []

    /// Creates a host. Its secrets come from `random`, the system generator unless a test seeds one.
    package init(config: ProtocolConfig, random: ProtocolRandom = .system) {
        self.config = config
        var random = random
        cookies = CookieMinter(random: &random)
        handshakeKey = EphemeralKeyPair(random: &random)
        self.random = random
        handshakeLimiter = SourceRateLimiter(
            perSecond: config.handshakeRatePerSource, burst: config.handshakeBurstPerSource,
            maxSources: config.maxTrackedSources)
        answered = AnsweredResponses(capacity: config.maxAnsweredResponses)
        peers.reserveCapacity(forPeers: config.maxPeers)
    }

    /// Number of peers, pending ones included.
    package var peerCount: Int { peers.count }

    /// Number of peers admitted but not yet heard from in a connected packet.
    package var pendingCount: Int {
        // By index: iterating the values of large elements allocates in unspecialized code.
        var count = 0
        for index in peers.indices where !peers.values[index].connection.hasHeardFromPeer { count += 1 }
        return count
    }

    /// Number of peers that proved they hold their keys by sending a connected packet: the
    /// players the game sees.
    package var confirmedCount: Int { peers.count - pendingCount }

    /// Handshake packets waiting for ``serviceHandshakes(now:)``. `mutating` only so that a
    /// caller in another module (`NetCore`, at every datagram) reads the endpoint where it
    /// lies: a non-mutating getter takes the endpoint by value, and a copy of all of it (its
    /// tables, a retain and a release each) was made to pass it.
    package var hasDeferredHandshakes: Bool { mutating get { !deferredHandshakes.isEmpty } }

    /// The connected peers, in id order.
    package var connectedPeers: [PeerID] { peers.ids }

    /// The address a peer connected from.
    package func address(of peer: PeerID) -> PeerAddress? { peers[peer]?.connection.address }

    /// Handles one incoming datagram. Anything that is not a valid packet for the current
    /// state is dropped and counted in ``drops``; nothing here can trap on hostile input.
    package mutating func receive(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant) {
        latestNow = max(latestNow, now)
        if let reason = handle(datagram, from: address, now: now) { drops.record(reason) }
    }

    /// Runs the timers: handles deferred handshakes, forgets pending peers that never spoke,
    /// sends keepalives to idle peers and removes silent ones.
    package mutating func update(now: NetInstant) {
        latestNow = max(latestNow, now)
        let config = config
        let wasPaused = lastUpdate.map { now - $0 >= config.pauseThreshold } ?? false
        lastUpdate = now
        serviceHandshakes(now: now)
        guard wasPaused || peerTimersDue.map({ now >= $0 }) == true else { return }
        expirePending(now: now)
        // By index, in id order, in the table itself: unspecialized (debug builds),
        // `IndexingIterator.next()` allocates; and a copy of the ids, held while a timed-out
        // peer is removed, made the table copy its ids at their count, losing the room
        // reserved for `maxPeers`. A removal leaves `index` at the next peer.
        var index = 0
        while index < peers.count {
            let id = peers.ids[index]
            // In place: `peers[id]?.connection` copies the whole peer (keys, handshake bytes:
            // a dozen retains and releases) at every read.
            // A pending peer gets nothing until it confirms (its fate is expirePending's): a
            // connected packet from us would tell its client we know it, and we may yet forget it.
            guard peers.values[index].isConfirmed() else {
                index += 1
                continue
            }
            if wasPaused { peers.values[index].connection.forgiveSilence(now: now) }
            if peers.values[index].connection.fallsSilent(now: now, config: config) {
                peers.values[index].connection.markInterrupted()
                events.append(.interrupted(id))
            }
            if peers.values[index].isProbingPath() { probePath(of: id, now: now) }
            switch peers.values[index].connection.timerAction(now: now, config: config) {
            case .timedOut:
                remove(id, reason: .timedOut)
                continue
            case .sendKeepalive:
                let packet = peers.values[index].connection.seal([.keepalive], now: now)
                outgoing.append(Datagram(address: peers.values[index].address(), bytes: packet.bytes))
            case .none:
                break
            }
            index += 1
        }
        peerTimersDue = earliestPeerTimer()
    }

    /// Sends `payload` to `peer` in one connected packet and returns its sequence number, the
    /// number a reliability layer acknowledges.
    @discardableResult
    package mutating func send(payload: [UInt8], to peer: PeerID) throws(SendError) -> UInt64 {
        guard payload.count <= config.maxPayloadBytes else {
            throw .payloadTooLarge(bytes: payload.count, limit: config.maxPayloadBytes)
        }
        guard let index = peers.index(of: peer) else { throw .unknownPeer(peer) }
        let packet = peers.values[index].connection.seal(
            payload: payload, now: latestNow,
            in: packetBuffers.take(capacity: ConnectedPacket.bytes(ofPayload: payload)))
        outgoing.append(Datagram(address: peers.values[index].address(), bytes: packet.bytes))
        return packet.sequence
    }

    /// Removes `peer`, telling it that it was kicked (with `reason`, if given).
    package mutating func disconnect(_ peer: PeerID, reason: String? = nil) {
        close(peer, frame: DisconnectFrame(code: .kicked, text: reason))
    }

    /// Removes `peer` for a reason this side decided (e.g. ``DisconnectReason/unresponsive``),
    /// telling it so in case it still listens; the game sees `reason`.
    package mutating func disconnect(_ peer: PeerID, because reason: DisconnectReason) {
        guard let address = address(of: peer),
            let packets = peers[peer]?.connection.closingPackets(
                DisconnectFrame(code: .closed, text: reason.description), now: latestNow)
        else { return }
        outgoing += packets.map { Datagram(address: address, bytes: $0) }
        remove(peer, reason: reason)
    }

    /// Disconnects every peer, telling each the host shut down (or, `handingOver`, that it
    /// leaves the session to its successor), and ignores all later datagrams.
    package mutating func shutDown(handingOver: Bool = false) {
        let frame = DisconnectFrame(code: handingOver ? .handover : .hostShutDown, text: nil)
        for id in connectedPeers { close(id, frame: frame) }
        isShutDown = true
    }

    /// The datagrams to send, oldest first; the driver sends them all. The list moves out
    /// whole (an empty one stays, with its room): ``recycleSent(_:)`` brings it back once they are sent.
    package mutating func drainOutgoing() -> [Datagram] {
        queuedHandshakeReplies = 0
        return outgoing.isEmpty ? [] : outgoing.lend()
    }

    /// Takes back datagrams ``drainOutgoing()`` gave out, once sent: their buffers for the
    /// next packets, and the list for the next ones to send. `datagrams` is left empty.
    package mutating func recycleSent(_ datagrams: inout [Datagram]) {
        Datagram.recycle(&datagrams, buffers: &packetBuffers, list: &outgoing)
    }

    /// Takes back a handled payload's buffer (a ``HostEvent/payload(_:_:sequence:)``'s, moved
    /// out of its event) for the next packet opened; `bytes` is left empty. (A payload the
    /// channels still hold part of is shared: its next user copies it first.)
    package mutating func recyclePayload(_ bytes: inout [UInt8]) {
        packetBuffers.recycle(&bytes)
    }

    /// The events since the last drain, oldest first.
    package mutating func drainEvents() -> [HostEvent] {
        events.takeAll()
    }

    /// Moves the events since the last drain into `buffer` (emptied first), oldest first,
    /// trading storage with it: a driver that reuses its buffer allocates nothing per drain.
    package mutating func drainEvents(into buffer: inout [HostEvent]) {
        events.takeAll(into: &buffer)
    }

    private mutating func close(_ peer: PeerID, frame: DisconnectFrame) {
        guard let address = address(of: peer),
            let packets = peers[peer]?.connection.closingPackets(frame, now: latestNow)
        else { return }
        outgoing += packets.map { Datagram(address: address, bytes: $0) }
        remove(peer, reason: .closedLocally)
    }

    /// Removes `peer`; the game hears of it only if it had heard of the peer joining.
    package mutating func remove(_ peer: PeerID, reason: DisconnectReason) {
        guard let removed = peers.remove(peer) else { return }
        if peerByAddress[removed.connection.address] == peer { peerByAddress[removed.connection.address] = nil }
        if removed.connection.hasHeardFromPeer { events.append(.disconnected(peer, reason)) }
    }

    private mutating func handle(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant) -> DropReason? {
        guard datagram.count <= config.mtu else { return .tooLarge }
        // `[0]`, not `first`: unspecialized (debug builds), the generic `first` allocated.
        guard !datagram.isEmpty, let type = PacketType(rawValue: datagram[0]) else { return .malformed }
        guard !isShutDown else { return .unexpected }
        switch type {
        case .hello, .response: return admitHandshakePacket(datagram, type: type, from: address, now: now)
        case .connected: return handleConnected(datagram, from: address, now: now)
        case .challenge, .accepted, .denied: return .unexpected
        }
    }

    private mutating func handleConnected(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant)
        -> DropReason?
    {
        guard let header = ConnectedHeader(datagram) else { return .malformed }
        let id = header.peerID
        // Through the index, the peer read in place: `peers[id]?.connection` copies the peer.
        guard let index = peers.index(of: id) else { return .unknownPeer }
        let known = peers.values[index].address()
        let wasPending = !peers.values[index].isConfirmed()
        // A new address is a moved client (Wi-Fi to Ethernet, a NAT rebinding) or a spoof. A
        // pending peer never proved its address, so it stays bound to its handshake's; a
        // confirmed one's authentic, fresh packets are handled, and the session follows them
        // once the client answers a path challenge there (``probePath(of:now:)``).
        let newPath = known != address
        if newPath, wasPending { return .wrongAddress }
        let opened = peers.values[index].connection.open(
            datagram, header: header, now: now, into: packetBuffers.takeForOverwrite(capacity: datagram.count))
        // The first authentic packet proves the client holds the keys: only now does it take
        // a real seat, and only now does the game hear of it.
        if wasPending, peers.values[index].isConfirmed() {
            // Its timers are a connected peer's from now on (see `peerTimersDue`).
            peerTimersDue = .zero
            awaitedRejoins.remove(id)
            peers.values[index].admission = nil
            events.append(.connected(id, address))
            // Tell the client at once that we know it: until a connected packet from us arrives
            // it is not sure we kept its seat (see ClientEndpoint.awaitingConfirmation).
            let keepalive = peers.values[index].connection.seal([.keepalive], now: now)
            outgoing.append(Datagram(address: address, bytes: keepalive.bytes))
        }
        switch consume opened {
        case .dropped(let reason):
            return reason
        case .payload(let payload, let sequence, let endedInterruption):
            noteAuthentic(
                from: id, at: newPath ? address : nil, endedInterruption: endedInterruption, answers: [],
                receivedBytes: datagram.count, now: now)
            events.append(.payload(id, payload, sequence: sequence))
            return nil
        case .received(let received):
            noteAuthentic(
                from: id, at: newPath ? address : nil, endedInterruption: received.endedInterruption,
                answers: received.pathResponses, receivedBytes: datagram.count, now: now)
            for index in 0..<received.payloads.count {
                events.append(.payload(id, received.payloads[index], sequence: received.sequence))
            }
            // Whatever code a client sends, to the host it is the peer closing.
            if let frame = received.disconnect { remove(id, reason: .closedByPeer(reason: frame.text)) }
            return nil
        }
    }

    /// What an authentic packet from `id` tells beside its frames: that an interruption
    /// ended, and, from `newAddress` (nil if from the known one), that the client may have
    /// moved, or proved it did with `answers` to a path challenge.
    private mutating func noteAuthentic(
        from id: PeerID, at newAddress: PeerAddress?, endedInterruption: Bool, answers: [PathToken],
        receivedBytes: Int, now: NetInstant
    ) {
        if endedInterruption {
            // Its interruption timer runs again (see `peerTimersDue`).
            peerTimersDue = .zero
            events.append(.resumed(id))
        }
        if let newAddress, !completePath(of: id, at: newAddress, answers: answers) {
            notePath(of: id, at: newAddress, receivedBytes: receivedBytes, now: now)
        }
    }
}

/// A host's record of one peer.
package struct HostPeer: Sendable {
    package var connection: Connection
    /// The handshake that admitted this peer, kept while it is pending (its client may not
    /// have our `accepted` yet) and dropped when it confirms: a confirmed client has it.
    var admission: Admission?
    /// When the handshake admitted it: a pending peer is forgotten ``ProtocolConfig/pendingTimeout`` later.
    let admittedAt: NetInstant
    /// Its address without the port, for the per-source caps: worked out when asked (at an
    /// admission), not kept per peer.
    var source: PeerAddress { connection.address.source }
    /// The validation under way of a new address it sent from, if any.
    var pathProbe: PathProbe? {
        get { if case .probing(let probe) = probeSlot { probe } else { nil } }
        set { probeSlot = newValue.map { .probing($0) } ?? .none }
    }
    init(connection: Connection, admission: Admission?, admittedAt: NetInstant) {
        self.connection = connection
        self.admission = admission
        self.admittedAt = admittedAt
    }

    // Questions asked of a peer in the table, `mutating` only so that they read it where it
    // lies (`peers.values[index].address()`, through the array's modify accessor): read
    // as a value, `peers.values[index]` copies the whole record first, a retain and a release
    // for every reference it holds, at every datagram. (Not closures over an `inout` peer:
    // unspecialized in a debug build, those allocated.)

    /// Where its packets go.
    mutating func address() -> PeerAddress { connection.address }
    /// Whether it proved it holds its keys (see ``Connection/hasHeardFromPeer``).
    mutating func isConfirmed() -> Bool { connection.hasHeardFromPeer }
    /// Whether a new address of its is being validated.
    mutating func isProbingPath() -> Bool { pathProbe != nil }

    /// A probe is rare and large: boxed, so an idle peer holds a word for it, not 56 bytes.
    private var probeSlot = ProbeSlot.none

    private enum ProbeSlot: Sendable {
        case none
        indirect case probing(PathProbe)
    }

    /// What a retransmitted `response` is recognised by, and what it gets again.
    struct Admission: Sendable {
        let clientPublicKey: [UInt8]
        let clientNonce: [UInt8]
        /// The `accepted` packet, resent byte for byte.
        let acceptedPacket: [UInt8]
    }
}
