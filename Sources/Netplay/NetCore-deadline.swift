import NetplayBase
import NetplayChannels
import NetplayProtocol

/// When the core next needs a tick (quinn's `poll_timeout`): the driver sleeps until then
/// instead of ticking on a fixed period (docs/ARCHITECTURE.md, "timers run at the core's
/// deadlines").
///
/// Every check in ``tick(now:messages:kicks:holdingAcknowledgements:)`` that fires on
/// time has its instant here. Too early costs one tick with nothing to do; too late is a
/// missed timer, which the virtual-time `DeadlineDrivenTimerTests` would catch: they drive
/// sessions by these deadlines alone.
extension NetCore {
    /// The earliest instant a tick has work, or nil if none until something is received or sent.
    ///
    /// `mutating` only so that the endpoints are read in place (see
    /// `HostEndpoint.nextDeadline()`); it changes nothing.
    mutating func nextDeadline(now: NetInstant) -> NetInstant? {
        var deadline: NetInstant?
        switch phase {
        case .closed: return nil
        case .running: if closeRequested { return now }
        case .flushing(let flushDeadline):
            if !peers.contains(where: { $0.channels.awaitsAcknowledgement() }) { return now }
            deadline.keepEarliest(flushDeadline)
        }
        if migration.planAwaitsSharing, isHostCore { return now }
        deadline.keepEarliest(host?.nextDeadline())
        deadline.keepEarliest(client?.nextDeadline())
        let timeout = unresponsiveTimeout
        deadline.keepEarliest(peers.earliest { Self.channelDeadline(of: &$0, unresponsiveTimeout: timeout) })
        deadline.keepEarliest(migrationDeadline())
        return deadline
    }

    /// When `peer`'s channels next have work; for the peers a read burst touched, whose
    /// channel deadlines are the only ones a datagram can bring forward.
    mutating func channelDeadline(of peer: NetPeer) -> NetInstant? {
        let timeout = unresponsiveTimeout
        // In place: `peers[peer]` would copy the peer's whole channel state.
        return peers.update(peer, { Self.channelDeadline(of: &$0, unresponsiveTimeout: timeout) }) ?? nil
    }

    /// The channels' own wake-up, and when reliable data unacknowledged since then makes the
    /// peer unresponsive (``dropUnresponsivePeers``; not while it is interrupted). `state` is
    /// lent `inout` and left as it is: taken by value, it was copied (its channel state's
    /// arrays retained and released) for every peer at every deadline.
    private static func channelDeadline(of state: inout PeerState, unresponsiveTimeout: Duration) -> NetInstant? {
        // As the last flush left it (or due, if the channels changed since): asking the
        // channels again here cost a host a pass over every peer's ledger and lanes per tick.
        var deadline = state.channels.flushDue
        if !state.isInterrupted, state.channels.awaitsAcknowledgement(),
            let since = state.channels.unacknowledgedSince
        {
            let unresponsive = since + unresponsiveTimeout
            deadline = min(deadline ?? unresponsive, unresponsive)
        }
        return deadline
    }

    /// Host migration's timers: leaving a silent host, a successor's step timeout, the
    /// rejoin window after a takeover.
    ///
    /// A `mutating` function, not a computed property: reading a property of `self` here
    /// copied the whole core (every table's storage retained and released) at each deadline.
    private mutating func migrationDeadline() -> NetInstant? {
        guard migration.enabled else { return nil }
        var deadline = migration.rejoinDeadline
        if let handover = migration.handover { deadline = min(deadline ?? handover.deadline, handover.deadline) }
        if migration.handover == nil, peers.isInterrupted(.host) == true,
            case .connected(let connection) = client?.state,
            handsOver(after: .timedOut)
        {
            let leave = connection.lastReceived + migration.takeOverAfter
            deadline = min(deadline ?? leave, leave)
        }
        return deadline
    }

    /// Whether any peer has packets in flight: a sender flushes on its own thread only when
    /// none has (see `NetSession.requestSendFlush()`).
    mutating func hasPacketsInFlight() -> Bool {
        peers.contains { $0.channels.hasPacketsInFlight }
    }

    /// Whether a sender may flush on its own thread (`NetSession.requestSendFlush()`): a
    /// session of a few peers with nothing in flight.
    mutating func letsSenderFlush() -> Bool {
        peers.count <= Self.maxPeersForSendersFlush && !hasPacketsInFlight()
    }

    /// The most peers a session has for its senders to flush on their own threads. A sender's
    /// flush holds the transport's pass lock, and the network thread waits behind it for the
    /// datagrams that arrive meanwhile: a host of many peers has both the long flush (a packet
    /// for each) and the steady arrivals (their inputs), and leaves its flushes to the
    /// network thread. A host of 64 clients flushing its snapshots on its game thread took
    /// 5.2 % of a core where it had taken 4.1–4.2 % (by inference the kernel's share: its
    /// user-space instructions were the same), with 8.5 times the `futex` calls (12 → 102,
    /// one `strace` run each). A co-op host (Skirmish's four players) and a client keep the
    /// faster replies.
    static let maxPeersForSendersFlush = 4
}
