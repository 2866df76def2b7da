import NetplayBase

/// The client side of Netplay's connection protocol, as a value the driver mutates.
///
/// Created already connecting: its first `hello` waits in ``drainOutgoing()``. Call
/// ``update(now:)`` every frame (it resends handshake packets and runs the timers) and feed
/// every datagram to ``receive(_:from:now:)``. One endpoint serves one connection attempt;
/// after ``ClientEvent/disconnected(_:)`` make a new one to try again.
package struct ClientEndpoint: Sendable {
    package enum State: Sendable {
        case handshaking(ClientHandshake)
        case connected(Connection)
        case closed
    }

    /// The settings this client runs with.
    package let config: ProtocolConfig
    /// The host this client connects to.
    package let hostAddress: PeerAddress
    /// Datagrams dropped so far, per reason.
    package internal(set) var drops = DropCounters()

    /// Where the endpoint is. Set whole by the handshake and close paths; kept in parts, so
    /// that the paths of every packet and every tick work on the connection where it lies
    /// (`connectionSlot!.seal(…)`): held in the enum, it could only be matched out (a copy,
    /// a retain and a release for each reference it holds) and written back, and its buffers,
    /// shared meanwhile, were copied at their first write.
    package var state: State {
        get {
            switch phase {
            case .handshaking: handshakeSlot.map(State.handshaking) ?? .closed
            case .connected: connectionSlot.map(State.connected) ?? .closed
            case .closed: .closed
            }
        }
        set {
            switch newValue {
            case .handshaking(let handshake): (phase, handshakeSlot, connectionSlot) = (.handshaking, handshake, nil)
            case .connected(let connection): (phase, handshakeSlot, connectionSlot) = (.connected, nil, connection)
            case .closed: (phase, handshakeSlot, connectionSlot) = (.closed, nil, nil)
            }
        }
    }
    /// Which of ``state``'s cases the endpoint is in, without its payload.
    enum Phase { case handshaking, connected, closed }
    private(set) var phase = Phase.closed
    /// The handshake, while ``phase`` is `.handshaking`.
    private var handshakeSlot: ClientHandshake?
    /// The connection, while ``phase`` is `.connected`.
    var connectionSlot: Connection?
    var outgoing: [Datagram] = []
    /// Buffers of sent packets (see ``recycleSent(_:)``), for the next ones sealed.
    var packetBuffers = PacketBufferStash()
    package var events: [ClientEvent] = []
    var latestNow: NetInstant
    /// When the handshake completed. Until the host has surely heard from us (a pending
    /// timeout later) keepalives go out every handshake resend interval, not every keepalive
    /// interval: the host forgets a client it has not heard from within its pending timeout,
    /// and one lost keepalive must not cost the connection.
    var connectedAt: NetInstant?
    /// When ``update(now:)`` last ran: a much later `now` means this process was paused.
    var lastUpdate: NetInstant?
    /// Between `accepted` and the host's first connected packet: the host admitted us but may
    /// still forget us (a pending peer is evicted or expires if our keepalive is late, e.g. on
    /// a busy machine). Only the host's connected packet says it knows us; until then the game
    /// is not told we are in, and a client that hears nothing for the host's pending timeout
    /// starts over instead of believing in a session the host no longer has.
    package internal(set) var awaitingConfirmation = false
    /// When the first hello of this attempt went out: a restarted handshake keeps counting
    /// the connect timeout from it.
    var attemptStartedAt: NetInstant?
    /// Fresh keys and nonces for a restarted handshake.
    package var random: ProtocolRandom

    /// Starts connecting to `host` at `now`.
    package init(config: ProtocolConfig, host: PeerAddress, now: NetInstant, random: ProtocolRandom = .system) {
        self.config = config
        hostAddress = host
        latestNow = now
        var random = random
        let handshake = ClientHandshake(config: config, random: &random, now: now)
        self.random = random
        state = .handshaking(handshake)
        outgoing.append(Datagram(address: host, bytes: handshake.currentPacket))
    }

    /// Whether the handshake has completed and the connection is open.
    package var isConnected: Bool { phase == .connected && !awaitingConfirmation }

    /// The id the host gave this client, once connected.
    package var peerID: PeerID? {
        connectionSlot?.peerID
    }

    /// Handles one incoming datagram; anything unexpected is dropped and counted in ``drops``.
    package mutating func receive(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant) {
        latestNow = max(latestNow, now)
        startHandshakeClock(now: now)
        if let reason = handle(datagram, from: address, now: now) { drops.record(reason) }
    }

    /// Runs the timers: handshake resends and give-up, keepalives and the connection timeout.
    package mutating func update(now: NetInstant) {
        latestNow = max(latestNow, now)
        defer { lastUpdate = now }
        if phase == .connected {
            updateConnection(now: now)
            return
        }
        switch state {
        case .handshaking(var handshake):
            startHandshakeClock(now: now)
            if case .handshaking(let started) = state { handshake = started }
            if now - handshake.startedAt >= config.timeout {
                close(.hostUnreachable)
            } else if now - handshake.lastSentAt >= config.handshakeResendInterval {
                handshake.lastSentAt = now
                outgoing.append(Datagram(address: hostAddress, bytes: handshake.currentPacket))
                state = .handshaking(handshake)
            }
        case .connected, .closed:
            break
        }
    }

    /// ``update(now:)`` while connected: the confirmation, interruption and keepalive timers.
    private mutating func updateConnection(now: NetInstant) {
        if awaitingConfirmation, let since = connectedAt, now.isAtLeast(config.pendingTimeout, after: since) {
            restartHandshake(now: now)
            return
        }
        let paused = lastUpdate.map { now.isAtLeast(config.pauseThreshold, after: $0) } ?? false
        let watchesSilence = !awaitingConfirmation
        let confirming = connectedAt.map { !now.isAtLeast(config.pendingTimeout, after: $0) } ?? false
        // `connectionSlot!`: present while connected (the `state` setter keeps them together).
        if paused { connectionSlot!.forgiveSilence(now: now) }
        if watchesSilence, connectionSlot!.fallsSilent(now: now, config: config) {
            connectionSlot!.markInterrupted()
            events.append(.interrupted)
        }
        let action = connectionSlot!.timerAction(now: now, config: config)
        if action == .timedOut {
            close(.timedOut)
            return
        }
        let confirmationDue =
            confirming && now.isAtLeast(config.handshakeResendInterval, after: connectionSlot!.lastSent)
        guard action == .sendKeepalive || confirmationDue else { return }
        let keepalive = connectionSlot!.seal([.keepalive], now: now).bytes
        outgoing.append(Datagram(address: hostAddress, bytes: keepalive))
    }

    /// Sends `payload` to the host in one connected packet and returns its sequence number.
    @discardableResult
    package mutating func send(payload: [UInt8]) throws(SendError) -> UInt64 {
        guard payload.count <= config.maxPayloadBytes else {
            throw .payloadTooLarge(bytes: payload.count, limit: config.maxPayloadBytes)
        }
        guard phase == .connected else { throw .notConnected }
        let packet = connectionSlot!.seal(
            payload: payload, now: latestNow,
            in: packetBuffers.take(capacity: ConnectedPacket.bytes(ofPayload: payload)))
        outgoing.append(Datagram(address: hostAddress, bytes: packet.bytes))
        return packet.sequence
    }

    /// Closes the connection, telling the host why (if `reason` is given). During the
    /// handshake it just stops; the host forgets nothing because it kept nothing.
    package mutating func disconnect(reason: String? = nil) {
        if case .connected(var connection) = state {
            let packets = connection.closingPackets(DisconnectFrame(code: .closed, text: reason), now: latestNow)
            outgoing += packets.map { Datagram(address: hostAddress, bytes: $0) }
        }
        if case .closed = state { return }
        close(.closedLocally)
    }

    /// Closes the connection for a reason this side decided (e.g.
    /// ``DisconnectReason/unresponsive``), telling the host so; the game sees `reason`.
    package mutating func disconnect(because reason: DisconnectReason) {
        guard case .connected(var connection) = state else { return }
        let packets = connection.closingPackets(
            DisconnectFrame(code: .closed, text: reason.description), now: latestNow)
        outgoing += packets.map { Datagram(address: hostAddress, bytes: $0) }
        close(reason)
    }

    /// The datagrams to send, oldest first. The list moves out whole (an empty one stays,
    /// with its room): ``recycleSent(_:)`` brings it back once they are sent.
    package mutating func drainOutgoing() -> [Datagram] {
        outgoing.isEmpty ? [] : outgoing.lend()
    }

    /// Takes back datagrams ``drainOutgoing()`` gave out, once sent: their buffers for the
    /// next packets, and the list for the next ones to send. `datagrams` is left empty.
    package mutating func recycleSent(_ datagrams: inout [Datagram]) {
        Datagram.recycle(&datagrams, buffers: &packetBuffers, list: &outgoing)
    }

    /// Takes back a handled payload's buffer for the next packet opened (see the host's).
    package mutating func recyclePayload(_ bytes: inout [UInt8]) {
        packetBuffers.recycle(&bytes)
    }

    /// The events since the last drain, oldest first.
    package mutating func drainEvents() -> [ClientEvent] {
        events.takeAll()
    }

    /// Moves the events since the last drain into `buffer` (emptied first), oldest first,
    /// trading storage with it: a driver that reuses its buffer allocates nothing per drain.
    package mutating func drainEvents(into buffer: inout [ClientEvent]) {
        events.takeAll(into: &buffer)
    }

    /// Starts the handshake's timers at the first time the driver runs this endpoint.
    private mutating func startHandshakeClock(now: NetInstant) {
        // The phase first: matching `state` while connected copies the connection.
        guard phase == .handshaking, case .handshaking(var handshake) = state, !handshake.clockStarted else { return }
        handshake.clockStarted = true
        handshake.startedAt = now
        handshake.lastSentAt = now
        attemptStartedAt = now
        state = .handshaking(handshake)
    }

    package mutating func close(_ reason: DisconnectReason) {
        state = .closed
        events.append(.disconnected(reason))
    }

    private mutating func handle(_ datagram: [UInt8], from address: PeerAddress, now: NetInstant) -> DropReason? {
        guard datagram.count <= config.mtu else { return .tooLarge }
        // Only the host talks to a client; anything else is a stranger or a spoof.
        guard address == hostAddress else { return .wrongAddress }
        // `[0]`, not `first`: unspecialized (debug builds), the generic `first` allocated.
        guard !datagram.isEmpty, let type = PacketType(rawValue: datagram[0]) else { return .malformed }
        // The common case first, without matching `(state, type)`: the tuple copied the
        // whole connection out of the state at every packet.
        if type == .connected, phase == .connected { return handleConnected(datagram, now: now) }
        switch (state, type) {
        case (.handshaking(let handshake), .challenge):
            return handleChallenge(datagram, handshake: handshake, now: now)
        case (.handshaking(let handshake), .accepted):
            return handleAccepted(datagram, handshake: handshake, now: now)
        case (.handshaking(let handshake), .denied):
            return handleDenied(datagram, handshake: handshake)
        case (.handshaking(let handshake), .connected):
            return handleEarlyConnected(datagram, handshake: handshake, now: now)
        default:
            return .unexpected
        }
    }

    /// A connected packet, while connected.
    private mutating func handleConnected(_ datagram: [UInt8], now: NetInstant) -> DropReason? {
        guard let header = ConnectedHeader(datagram) else { return .malformed }
        // `connectionSlot!`: present while connected (the `state` setter keeps them together).
        guard header.peerID == connectionSlot!.peerID else { return .unknownPeer }
        let opened = connectionSlot!.open(
            datagram, header: header, now: now, into: packetBuffers.takeForOverwrite(capacity: datagram.count))
        if awaitingConfirmation, opened.isAuthentic { confirm(header.peerID) }
        return deliver(opened)
    }

    /// The host's first connected packet: it knows us, so the game may.
    mutating func confirm(_ peerID: PeerID) {
        awaitingConfirmation = false
        events.append(.connected(peerID, hostAddress))
    }

    /// Forgotten by the host before it confirmed us: start over with a fresh key and nonce
    /// (a new attempt in the host's eyes), still within the first attempt's timeout.
    private mutating func restartHandshake(now: NetInstant) {
        awaitingConfirmation = false
        connectedAt = nil
        var handshake = ClientHandshake(config: config, random: &random, now: now)
        handshake.startedAt = attemptStartedAt ?? now
        handshake.clockStarted = true
        state = .handshaking(handshake)
        outgoing.append(Datagram(address: hostAddress, bytes: handshake.currentPacket))
    }

    /// Echoes the host's path challenges at once, from wherever this client now sends: the
    /// host moves the session to that address only when the echo arrives from it.
    private mutating func answer(_ challenges: [PathToken]) {
        guard !challenges.isEmpty, phase == .connected else { return }
        let packet = connectionSlot!.seal(challenges.map(Frame.pathResponse), now: latestNow)
        outgoing.append(Datagram(address: hostAddress, bytes: packet.bytes))
    }

    /// Turns an opened packet into events; a disconnect frame closes the connection.
    package mutating func deliver(_ opened: consuming Connection.Opened) -> DropReason? {
        switch consume opened {
        case .dropped(let reason):
            return reason
        case .payload(let payload, let sequence, let endedInterruption):
            if endedInterruption { events.append(.resumed) }
            events.append(.payload(payload, sequence: sequence))
            return nil
        case .received(let received):
            if received.endedInterruption { events.append(.resumed) }
            answer(received.pathChallenges)
            for index in 0..<received.payloads.count {
                events.append(.payload(received.payloads[index], sequence: received.sequence))
            }
            if let frame = received.disconnect { close(frame.reasonAtReceiver) }
            return nil
        }
    }
}
