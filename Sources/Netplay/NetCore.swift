import NetplayBase
import NetplayChannels
import NetplayProtocol
import NetplayWire

/// The API layer's state machine: a protocol endpoint (host or client), each peer's
/// `ChannelEndpoint`, and the message registry, turning datagrams and game commands into
/// datagrams and ``NetEvent``s.
///
/// Like the protocol core beneath it, it does no I/O and reads no clock, so the very same
/// code runs under the UDP driver and under a virtual-time `MemoryNetwork` in tests;
/// `NetSession` supplies time, threads and locks around it.
package struct NetCore: Sendable {
    /// Where the session is in its life.
    enum Phase: Sendable, Hashable {
        case running
        /// Closing: still sending reliable data until it is acknowledged or `deadline` passes.
        case flushing(deadline: NetInstant)
        case closed
    }

    /// A connected peer's channels and counters.
    struct PeerState: Sendable {
        var channels: ChannelEndpoint
        var counters = MessageCounters()
        /// Silent for a while; see ``NetEvent/interrupted(_:)``.
        var isInterrupted = false
        /// Listed in ``NetCore/peersOwingFlush``.
        var owesFlush = false
    }

    // Exactly one of the two is set. Optionals rather than an enum with payloads so that
    // `host?.receive(…)` mutates in place instead of copying the endpoint's tables.
    var host: HostEndpoint?
    var client: ClientEndpoint?
    /// Whether `host` is the endpoint (set with it, never unset): test this rather than
    /// `host != nil`, which copies the whole optional endpoint out to look at it.
    var isHostCore = false
    let registry: MessageRegistry
    /// The connected remote peers (on a client, only ``NetPeer/host``); those that have
    /// exchanged no message yet hold no channel state (see ``PeerTable``). Their channels'
    /// settings, which every peer of a session shares, are the table's.
    var peers: PeerTable
    /// Peers with channel work since their last flush (a payload, a resume, a message queued),
    /// each once: what ``flushReceived(now:)`` flushes at the end of a read burst, and a flush
    /// asked for by sends.
    var peersOwingFlush: [NetPeer] = []
    /// Messages the game sent that a full channel could not take yet, waiting for its room.
    var backlog = SendBacklog()
    /// The peers a tick found due (see `flushChannels(now:acknowledging:)`); kept for its room.
    var duePeers: [NetPeer] = []
    var events: [NetEvent] = []
    /// Whether ``events`` holds anything but messages (set by ``report(_:)``).
    var eventsBesideMessages = false
    /// What arrived on the replication channels, for the session's ``NetWorld``.
    var replicationDeliveries: [ReplicationDelivery] = []
    /// Reused for each payload's delivered messages, so receiving allocates no new array.
    var deliveredScratch: [DeliveredMessage] = []
    /// Reused for each drain of the endpoint's events (see ``handleHostEvents(now:)``).
    var hostEventScratch: [HostEvent] = []
    var clientEventScratch: [ClientEvent] = []
    /// Lent to each peer's channels to gather a payload's reliable pieces (see
    /// ``flushChannels(of:now:)``).
    var pieceScratch: [PieceReference] = []
    /// Lent to each peer's channels for the payloads of a flush, then emptied keeping its room.
    var payloadScratch: [[UInt8]] = []
    /// Storage every peer's channels reuse (sealed payloads' buffers, acknowledged packets'
    /// piece lists), lent to each in turn.
    var channelBuffers = ChannelBuffers()
    var phase = Phase.running {
        // Messages still waiting have nowhere to go once the session is over (a refused
        // handshake's, a closed game's): let them go at once, not at a next tick, which a
        // session that ended on the game's thread may never run.
        didSet { if phase == .closed { backlog.removeAll() } }
    }
    var closeRequested = false
    let closeFlushTimeout: Duration
    /// See ``NetOptions/unresponsiveTimeout``.
    let unresponsiveTimeout: Duration
    /// The endpoint's pause threshold, kept here: read through the optional endpoint on every
    /// datagram, it would copy the endpoint.
    let pauseThreshold: Duration
    /// The id the host gave this client, once connected.
    var localPeer: NetPeer?
    /// When ``tick(now:messages:kicks:holdingAcknowledgements:)`` or
    /// ``receive(_:from:now:)`` last ran, to notice this process was paused.
    var lastRun: NetInstant?
    /// Payloads received since the last flush that acknowledged (``flushReceived(now:)``, or a
    /// tick's ``flushChannels(now:acknowledging:)``).
    var payloadsSinceFlush = 0
    /// Set when a peer joins quiet or a quiet peer resumes: the protocol's timers changed for
    /// a peer not listed in ``peersOwingFlush``, so the read burst's deadline must ask the
    /// endpoint for its timers (``flushReceived(now:)``).
    var protocolTimersMoved = false
    /// Set when a payload received leaves its peer owed an acknowledgement at once for
    /// reliable data; cleared with ``payloadsSinceFlush``.
    var acknowledgementDueNow = false
    /// Host migration's plan and, while the host is gone, the handover (NetCore-migration.swift).
    var migration: Migration

    /// The channel settings every peer of a session shares. In game-thread mode acks are
    /// already held for the game's reply until its `flush`, so the channel layer holds none
    /// of its own: another 15 ms on top would stretch past a frame.
    static func channelSettings(_ options: NetOptions) -> ChannelSettings {
        var config = options.channels
        if options.servicing == .gameThread { config.ackHold = .zero }
        return ChannelSettings(config)
    }

    /// A host core. Its first event is its own player joining.
    package init(host: HostEndpoint, registry: MessageRegistry, options: NetOptions) {
        self.host = Self.servicedAfterReads(host)
        isHostCore = true
        pauseThreshold = host.config.pauseThreshold
        self.registry = registry
        peers = PeerTable(settings: Self.channelSettings(options))
        closeFlushTimeout = options.closeFlushTimeout
        unresponsiveTimeout = options.unresponsiveTimeout
        localPeer = .host
        peers.reserveCapacity(forPeers: host.config.maxPeers)
        migration = Migration(options: options)
        reserveFlushLists(forPeers: host.config.maxPeers)
        if migration.enabled { migration.secret = self.host?.random.bytes(Rejoin.secretByteCount) }
        report(.connected(.host))
    }

    /// A client core, already sending its first handshake packet.
    package init(client: ClientEndpoint, registry: MessageRegistry, options: NetOptions) {
        self.client = client
        pauseThreshold = client.config.pauseThreshold
        self.registry = registry
        peers = PeerTable(settings: Self.channelSettings(options))
        closeFlushTimeout = options.closeFlushTimeout
        unresponsiveTimeout = options.unresponsiveTimeout
        migration = Migration(options: options)
        migration.baseConfig = client.config
        migration.random = client.random
        reserveFlushLists(forPeers: 1)
    }

    /// Room in the flush lists for every peer, made once: a list first grown mid-game is an
    /// allocation on the data path (a game-thread round trip caught one, the first timer tick
    /// that found a peer due, once the sends' flushes stopped running whole ticks).
    /// At most `PeerIDOrder.maxReserved`, as the peer tables: `maxPeers` has no upper bound.
    mutating func reserveFlushLists(forPeers count: Int) {
        let count = min(count, PeerIDOrder.maxReserved)
        peersOwingFlush.reserveCapacity(count)
        duePeers.reserveCapacity(count)
    }

    /// `host`, set to defer handshakes: the session services them after each read burst
    /// (NetSession.receive), so a handshake flood queues behind the game's own packets instead
    /// of ahead of them. For a host from the start and a player who takes over alike.
    static func servicedAfterReads(_ host: HostEndpoint) -> HostEndpoint {
        var host = host
        host.defersHandshakes = true
        return host
    }

    /// Handles one datagram from the network.
    mutating func receive(_ bytes: [UInt8], from address: PeerAddress, now: NetInstant) {
        resumeAfterPause(now: now)
        if isHostCore {
            host?.receive(bytes, from: address, now: now)
            handleHostEvents(now: now)
        } else {
            client?.receive(bytes, from: address, now: now)
            handleClientEvents(now: now)
        }
    }

    /// Whether the host holds handshake packets for ``serviceHandshakes(now:)``.
    /// `mutating` so the endpoint is read where it lies: a plain getter copied the whole
    /// optional endpoint out (its tables, a retain for each) to look at one array, on every
    /// datagram a host read.
    var hasDeferredHandshakes: Bool { mutating get { host?.hasDeferredHandshakes ?? false } }

    /// Handles the handshake packets the host deferred while reading.
    mutating func serviceHandshakes(now: NetInstant) {
        host?.serviceHandshakes(now: now)
        handleHostEvents(now: now)
    }

    /// The datagrams to send, oldest first.
    mutating func drainOutgoing() -> [Datagram] {
        host?.drainOutgoing() ?? client?.drainOutgoing() ?? []
    }

    /// Takes back the datagrams ``drainOutgoing()`` gave out, once the transport sent them.
    mutating func recycleSent(_ datagrams: inout [Datagram]) {
        // `isHostCore`, not `host != nil`: comparing the optional endpoint copied it whole.
        if isHostCore {
            host?.recycleSent(&datagrams)
        } else {
            client?.recycleSent(&datagrams)
        }
    }

    /// The events since the last drain, oldest first.
    mutating func drainEvents() -> [NetEvent] {
        drainEventBatch().events
    }

    /// The events since the last drain, and whether any is not a message (see ``report(_:)``):
    /// a session reads a batch's players coming and going only then, without copying each
    /// event of the message-only batches nearly every datagram brings.
    mutating func drainEventBatch() -> (events: [NetEvent], changesMembership: Bool) {
        defer { eventsBesideMessages = false }
        return (events.takeAll(), eventsBesideMessages)
    }

    /// Moves the events since the last drain straight into `queue` if they are all messages
    /// (see ``EventQueue/pushMessages(_:)``: the two trade lists, so neither allocates), and
    /// returns whether it did. A batch with other events stays for ``drainEventBatch()``.
    mutating func moveMessages(into queue: EventQueue) -> Bool {
        guard !eventsBesideMessages else { return false }
        queue.pushMessages(&events)
        return true
    }

    /// Queues an event that is not a message (a player connected, left, was interrupted or
    /// resumed, or the host changed), noting that the batch holds one.
    mutating func report(_ event: NetEvent) {
        eventsBesideMessages = true
        events.append(event)
    }

    /// The replication channels' deliveries since the last drain, oldest first.
    mutating func drainReplication() -> [ReplicationDelivery] {
        replicationDeliveries.takeAll()
    }

    /// The remote peers, in id order (on a client: the host, once connected).
    var connectedPeers: [NetPeer] { peers.all }

    /// A peer's figures, or nil if it is not connected.
    func statistics(for peer: NetPeer) -> PeerStatistics? {
        // A quiet peer's figures are those of channels that have carried nothing.
        guard let state = peers[peer] ?? (peers.isQuiet(peer) ? peers.newState(now: lastRun ?? .zero) : nil) else {
            return nil
        }
        return PeerStatistics(
            channels: state.channels.statistics, drops: host?.drops ?? client?.drops ?? DropCounters(),
            messages: state.counters)
    }

    mutating func handleHostEvents(now: NetInstant) {
        // Drained into a buffer kept for its room: a datagram's payload is an event, and a
        // fresh array per datagram otherwise.
        var drained = hostEventScratch.lend()
        defer { hostEventScratch.takeBack(&drained) }
        host?.drainEvents(into: &drained)
        // By index: unspecialized (debug builds), `IndexingIterator.next()` allocates per
        // element of a type this large. Each event is moved out, a payload-free one left in
        // its place, so a payload's buffer is its only reference and goes back to the stash as
        // soon as it is read: copied out, and recycled in a second pass over the list, it cost
        // a retain and a release twice, some 300 instructions a datagram.
        for index in drained.indices {
            switch drained.take(at: index, leaving: .resumed(PeerID(rawValue: 0))) {
            case .connected(let id, _):
                let peer = NetPeer(id)
                // Quiet until a message is queued for it or a payload comes from it (see
                // `PeerTable`). Its protocol timers start now: the read burst's deadline must
                // include them.
                peers.insertQuiet(peer)
                protocolTimersMoved = true
                noteMembership(joined: id)
                report(.connected(peer))
            case .payload(let id, var payload, _):
                receivePayload(payload, from: NetPeer(id), now: now)
                host?.recyclePayload(&payload)
            case .disconnected(let id, let reason):
                peers.remove(NetPeer(id))
                noteMembership(left: id)
                report(.disconnected(NetPeer(id), reason))
            case .interrupted(let id):
                interrupt(NetPeer(id))
            case .resumed(let id):
                resume(NetPeer(id), now: now)
            case .addressChanged:
                // Where the others would find this player changed.
                noteMembership()
            }
        }
    }

    mutating func handleClientEvents(now: NetInstant) {
        // A buffer kept for its room, as in `handleHostEvents`.
        var drained = clientEventScratch.lend()
        defer { clientEventScratch.takeBack(&drained) }
        client?.drainEvents(into: &drained)
        // Each event moved out, as in `handleHostEvents`.
        for index in drained.indices {
            switch drained.take(at: index, leaving: .interrupted) {
            case .connected(let id, _):
                guard migration.handover == nil else {
                    rejoined(now: now)
                    continue
                }
                localPeer = NetPeer(id)
                peers.insertQuiet(.host)
                report(.connected(.host))
            case .payload(var payload, _):
                receivePayload(payload, from: .host, now: now)
                client?.recyclePayload(&payload)
            case .disconnected where migration.handover != nil:
                // This successor turned us away or never answered: the next one.
                client = nil
                tryNextSuccessor(now: now)
            case .disconnected(let reason) where handsOver(after: reason):
                startHandover(now: now, reason: reason)
            case .disconnected(let reason):
                peers.remove(.host)
                phase = .closed
                report(.disconnected(.host, readable(reason)))
            case .interrupted:
                interrupt(.host)
            case .resumed:
                resume(.host, now: now)
            }
        }
    }

    private mutating func interrupt(_ peer: NetPeer) {
        guard peers.setInterrupted(peer, true) else { return }
        report(.interrupted(peer))
    }

    /// Back from an interruption: what was in flight goes again now, not after a backed-off timeout.
    private mutating func resume(_ peer: NetPeer, now: NetInstant) {
        guard peers.setInterrupted(peer, false) else { return }
        // A quiet peer has nothing in flight to resend, and is not listed below; the read
        // burst's deadline asks the endpoint for its timers as it would for a listed peer.
        if peers.update(peer, { $0.channels.resume(now: now) }) == nil { protocolTimersMoved = true }
        noteReceived(from: peer)
        report(.resumed(peer))
    }

    private mutating func receivePayload(_ payload: [UInt8], from peer: NetPeer, now: NetInstant) {
        var messages = MessageCounters()
        // One lookup of the peer for the payload and the flush list both (``noteReceived(from:)``).
        let firstSinceFlush = peers.updateMaterializing(peer, now: now) {
            (state: inout PeerState) -> Bool in
            state.channels.receive(payload, now: now, buffers: &channelBuffers)
            state.channels.drainDelivered(into: &deliveredScratch)
            if state.channels.owesPromptAcknowledgement() { acknowledgementDueNow = true }
            return Self.marksOwingFlush(&state)
        }
        guard let firstSinceFlush else { return }
        payloadsSinceFlush += 1
        if firstSinceFlush { peersOwingFlush.append(peer) }
        // Each message read where it lies in the scratch array: a copy of the element retained
        // its payload once more, per message.
        for index in deliveredScratch.indices {
            let channel = deliveredScratch[index].channel
            if channel == ReplicationChannels.succession, ControlMessage(deliveredScratch[index].bytes) == .succession {
                // Only a host shares a plan; a malformed one is ignored (the previous stays).
                if !isHostCore, let plan = Succession(bytes: deliveredScratch[index].bytes) { migration.plan = plan }
                continue
            }
            if ReplicationChannels.carries(channel) {
                replicationDeliveries.append(.bytes(Array(deliveredScratch[index].bytes), channel: channel, from: peer))
                continue
            }
            if let message = try? registry.decode(deliveredScratch[index].bytes) {
                messages.received += 1
                // Consumed: a borrowed message was copied into the event and the binding's
                // copy destroyed, per message.
                events.append(.message(consume message, from: peer))
            } else {
                messages.malformed += 1
            }
        }
        deliveredScratch.empty()
        guard messages.received > 0 || messages.malformed > 0 else { return }
        peers.update(peer) { (state: inout PeerState) -> Void in
            state.counters.received += messages.received
            state.counters.malformed += messages.malformed
        }
    }

    /// The protocol reports a schema mismatch as both full schemas; the player needs only
    /// the lines that differ, which this side can work out because it knows its own schema.
    private func readable(_ reason: DisconnectReason) -> DisconnectReason {
        guard case .schemaMismatch(let text) = reason else { return reason }
        let hostPrefix = "host: "
        let localSuffix = "; this game: \(registry.schema.description)"
        guard text.hasPrefix(hostPrefix), text.hasSuffix(localSuffix) else { return reason }
        let hostSchema = text.dropFirst(hostPrefix.count).dropLast(localSuffix.count)
        let difference = registry.schema.difference(from: MessageSchema(description: String(hostSchema)))
        return .schemaMismatch(difference)
    }
}
