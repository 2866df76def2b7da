import NetplayBase
import NetplayChannels
import NetplayProtocol

/// Host migration: the host shares a succession plan; when it leaves (a graceful close hands
/// over at once, a crash after ``NetOptions/hostMigrationAfter`` of silence), every client
/// walks the plan in order, rejoining the first player who took over, or taking over itself
/// when its own turn comes. See docs/ARCHITECTURE.md, "Host migration".
struct Migration: Sendable {
    /// Whether this session takes part (``NetOptions/hostMigration``).
    let enabled: Bool
    /// Host silence after which a client leaves the host behind.
    let takeOverAfter: Duration
    /// How long a client tries one successor before passing to the next.
    static let stepTimeout = Duration.milliseconds(1500)
    /// How long a player who took over keeps the others' seats for them.
    static let rejoinWindow = Duration.seconds(5)

    // Host side.
    /// The secret that admits this session's players to a successor.
    var secret: [UInt8]?
    /// Connected players, oldest first: the succession order.
    var joinOrder: [PeerID] = []
    /// The plan changed since it was last shared.
    var planChanged = false
    /// A host's changed plan waits to be shared: the next tick shares it, so it is due now.
    var planAwaitsSharing: Bool { planChanged && secret != nil }
    /// After taking over: when seats still awaited are given up.
    var rejoinDeadline: NetInstant?

    // Client side.
    /// The host's latest plan.
    var plan: Succession?
    /// The settings of the first connection, for rejoining and for hosting.
    var baseConfig: ProtocolConfig?
    /// Fresh keys and nonces for each rejoin attempt.
    var random: ProtocolRandom?
    /// The walk through the plan, while the host is gone.
    var handover: Handover?
    /// Game messages the old host never acknowledged, for whoever takes over.
    var owed: [(channel: ChannelID, bytes: [UInt8])] = []

    struct Handover: Sendable {
        var candidates: [Succession.Member]
        var index = -1
        /// When the current candidate is given up.
        var deadline = NetInstant.zero
        /// Why the host went, reported if nobody takes over.
        var reason: DisconnectReason
    }

    init(options: NetOptions) {
        enabled = options.hostMigration
        takeOverAfter = options.hostMigrationAfter
    }
}

extension NetCore {
    // MARK: Host: sharing the plan

    /// Keeps the succession order in step with the host's players.
    mutating func noteMembership(joined: PeerID? = nil, left: PeerID? = nil) {
        guard migration.secret != nil else { return }
        if let joined, !migration.joinOrder.contains(joined) { migration.joinOrder.append(joined) }
        if let left { migration.joinOrder.removeAll { $0 == left } }
        migration.planChanged = true
    }

    /// Sends every client the current plan, reliably, whenever it changed.
    mutating func sharePlanIfChanged(now: NetInstant) {
        guard migration.planChanged, let secret = migration.secret, let host else { return }
        migration.planChanged = false
        let members = migration.joinOrder.compactMap { id in
            host.address(of: id).map { Succession.Member(peer: id, address: $0) }
        }
        let bytes = Succession(secret: secret, members: members).bytes
        for peer in connectedPeers {
            try? peers.updateMaterializing(peer, now: now) {
                (state: inout PeerState) throws(ChannelSendError) -> Void in
                try state.channels.enqueue(bytes, on: ReplicationChannels.succession, now: now)
            }
        }
    }

    /// After taking over: seats nobody came back to within the window are given up.
    mutating func expireAwaitedSeats(now: NetInstant) {
        guard let deadline = migration.rejoinDeadline, now >= deadline else { return }
        migration.rejoinDeadline = nil
        let missing = host?.awaitedRejoins.sorted { $0.rawValue < $1.rawValue } ?? []
        host?.awaitedRejoins = []
        for id in missing { report(.disconnected(NetPeer(id), .timedOut)) }
    }

    // MARK: Client: noticing the host is gone

    /// Whether a client that lost its host takes part in a handover instead of ending.
    func handsOver(after reason: DisconnectReason) -> Bool {
        guard migration.enabled, migration.plan != nil, localPeer != nil, phase == .running, !closeRequested else {
            return false
        }
        switch reason {
        case .hostLeft, .timedOut, .unresponsive: return true
        default: return false
        }
    }

    /// A host silent for ``Migration/takeOverAfter`` is left behind (checked every tick).
    mutating func leaveSilentHost(now: NetInstant) {
        // Read in place, and only where migration is on: `peers[.host]` copies the host's
        // whole channel state, and this runs every tick.
        guard migration.enabled, migration.handover == nil, peers.isInterrupted(.host) == true,
            case .connected(let connection) = client?.state,
            now - connection.lastReceived >= migration.takeOverAfter, handsOver(after: .timedOut)
        else { return }
        startHandover(now: now, reason: .timedOut)
    }

    /// Forgets the old host (it is gone: no goodbye) and tries the plan's first player.
    mutating func startHandover(now: NetInstant, reason: DisconnectReason) {
        guard let plan = migration.plan else { return }
        // Replication (inputs, acks) is current state, not history: only game messages carry over.
        migration.owed = (peers[.host]?.channels.unacknowledgedReliable ?? []).filter {
            !ReplicationChannels.carries($0.channel)
        }
        peers.remove(.host)
        // Unlisted with it: a successor's state comes back as `.host`, not owing a flush, and
        // would be listed a second time.
        peersOwingFlush.removeAll { $0 == .host }
        client = nil
        migration.handover = Migration.Handover(candidates: plan.members, reason: reason)
        tryNextSuccessor(now: now)
    }

    /// Moves to the next player in the plan: this player takes over when its turn comes;
    /// another is tried for ``Migration/stepTimeout``; past the last, the session ends.
    mutating func tryNextSuccessor(now: NetInstant) {
        guard var handover = migration.handover, let me = localPeer?.id, let base = migration.baseConfig,
            let secret = migration.plan?.secret
        else { return }
        handover.index += 1
        guard handover.index < handover.candidates.count else {
            migration.handover = nil
            client = nil
            phase = .closed
            report(.disconnected(.host, handover.reason))
            return
        }
        let candidate = handover.candidates[handover.index]
        guard candidate.peer != me else {
            takeOver(now: now, secret: secret, others: handover.candidates.map(\.peer).filter { $0 != me })
            return
        }
        var config = base
        config.joinCode = Rejoin.code(secret: secret, peer: me)
        config.rejoinAs = me
        let endpoint = ClientEndpoint(
            config: config, host: candidate.address, now: now, random: migration.random ?? .system)
        migration.random = endpoint.random
        client = endpoint
        handover.deadline = now + Migration.stepTimeout
        migration.handover = handover
    }

    /// Gives up on a successor that did not let us in within ``Migration/stepTimeout``.
    mutating func advanceHandover(now: NetInstant) {
        guard let handover = migration.handover, now >= handover.deadline else { return }
        client = nil
        tryNextSuccessor(now: now)
    }

    /// The successor let us in again, with our old seat.
    mutating func rejoined(now: NetInstant) {
        guard let handover = migration.handover else { return }
        migration.handover = nil
        if migration.owed.isEmpty {
            peers.insertQuiet(.host)
        } else {
            var state = peers.newState(now: now)
            for message in migration.owed { try? state.channels.enqueue(message.bytes, on: message.channel, now: now) }
            migration.owed = []
            peers.insert(state, for: .host)
        }
        report(.hostChanged(to: NetPeer(handover.candidates[handover.index].peer)))
    }

    // MARK: Taking over

    /// This player becomes the host, on the socket the others already know: the same session,
    /// events, world and address; the others' seats are kept for them for
    /// ``Migration/rejoinWindow``.
    private mutating func takeOver(now: NetInstant, secret: [UInt8], others: [PeerID]) {
        guard let base = migration.baseConfig, let me = localPeer else { return }
        var endpoint = Self.servicedAfterReads(HostEndpoint(config: base, random: migration.random ?? .system))
        endpoint.rejoinSecret = secret
        endpoint.awaitedRejoins = Set(others)
        host = endpoint
        isHostCore = true
        client = nil
        peers.removeAll()
        peers.reserveCapacity(forPeers: base.maxPeers)
        peersOwingFlush.empty()
        reserveFlushLists(forPeers: base.maxPeers)
        // What this player sent the old host was for the host's game, which runs here now.
        for message in migration.owed { loopBack(message.bytes) }
        migration.owed = []
        localPeer = .host
        migration.handover = nil
        migration.plan = nil
        migration.secret = secret
        migration.joinOrder = []
        migration.rejoinDeadline = now + Migration.rejoinWindow
        report(.hostChanged(to: me))
    }
}
