import NetplayBase
import NetplayChannels
import NetplayProtocol

/// Which peers make payloads, and when: a tick's flush (the peers due), the end of a read
/// burst and a flush of sends (the peers listed as owing one), and the list that says who owes.
extension NetCore {
    /// A tick's flush: the peers whose channels are due (see `ChannelEndpoint.flushDue`: a
    /// message queued this tick, a payload received, a timer of theirs), not every peer. A
    /// host's ticks fall due for one peer's held acknowledgement or timer at a time, and
    /// making payloads for 63 idle peers besides was most of such a tick.
    /// Without `acknowledging`, no ack-only payload leaves (see `ChannelEndpoint.makePayloads`):
    /// a game-thread driver holds the acknowledgements of messages the game is about to
    /// answer, and its ticks keep them for the answer too (all but those of a long burst of
    /// reliable data, answered on the way: `NetSession.payloadsBeforeAnswering`). The peers due stay (or are) listed
    /// in ``peersOwingFlush``, so the next flush (the sends' at `flush`, or a read burst's at
    /// the next `poll`) sends whatever the answer did not carry.
    mutating func flushChannels(now: NetInstant, acknowledging: Bool = true) {
        if acknowledging { forgetOwedFlushes() }
        // One pass over the states in place finds the peers due; only those are looked up again.
        var due = duePeers.lend()
        defer { duePeers.takeBack(&due) }
        peers.updateEach { peer, state in
            if Self.isDue(&state, now: now, acknowledging: acknowledging) { due.append(peer) }
        }
        for index in due.indices { flushChannels(of: due[index], now: now, acknowledging: acknowledging) }
    }

    /// The end of a read burst: only the peers something arrived from can have new work (acks
    /// owed, a window an ack opened, resends after a resume), so only they are looked at, not
    /// every peer as a tick does; a host answering 64 clients' inputs as they come then does
    /// one peer's work per datagram, not 64. Of those, only the ones whose channels are due
    /// make payloads: an input whose acknowledgement waits for the next snapshot leaves
    /// nothing to send. The timers wait for their deadlines.
    /// Returns the earliest deadline among those peers and the host endpoint's timers (on a
    /// client, the core's; on a host whose succession plan changed, now), which only ever
    /// brings the driver's timer forward: no other peer's deadline changed. The endpoint's
    /// timers are asked for when a peer was listed, or when a peer joined or resumed quiet
    /// (``NetCore/protocolTimersMoved``: such a peer is not listed, having no channels).
    mutating func flushReceived(now: NetInstant) -> NetInstant? {
        guard phase != .closed else { return nil }
        var deadline: NetInstant?
        // By index, in place: flushing a peer never lists another, and the list keeps its storage.
        for index in peersOwingFlush.indices {
            let peer = peersOwingFlush[index]
            flushChannels(of: peer, now: now, onlyIfDue: true)
            if isHostCore { deadline.keepEarliest(channelDeadline(of: peer)) }
        }
        // The protocol's timers once for all of them: the host endpoint keeps their earliest.
        if isHostCore, !peersOwingFlush.isEmpty || protocolTimersMoved { deadline.keepEarliest(host?.nextDeadline()) }
        protocolTimersMoved = false
        forgetOwedFlushes()
        // The last acknowledgement a graceful close waited for may just have arrived.
        if case .flushing = phase { advanceClose(now: now) }
        guard isHostCore else { return nextDeadline(now: now) }
        // A player who left (or moved) changed the succession plan: the next tick shares it,
        // at once, as `nextDeadline` says. The peers flushed here do not include one who left.
        if migration.planAwaitsSharing { return now }
        return deadline
    }

    /// Empties ``peersOwingFlush`` and restarts the count toward answering a burst on the way
    /// (``payloadsSinceFlush``, ``acknowledgementDueNow``): a flush that acknowledges has just
    /// answered everything owed.
    private mutating func forgetOwedFlushes() {
        peersOwingFlush.empty()
        payloadsSinceFlush = 0
        acknowledgementDueNow = false
    }

    /// Notes that `peer` has channel work since the last flush (see ``flushReceived(now:)``).
    mutating func noteReceived(from peer: NetPeer) {
        if peers.update(peer, Self.marksOwingFlush) == true { peersOwingFlush.append(peer) }
    }

    /// Marks `state` as owing a flush; true if it did not already (its peer is to be listed).
    static func marksOwingFlush(_ state: inout PeerState) -> Bool {
        defer { state.owesFlush = true }
        return !state.owesFlush
    }

    /// A flush's question for one peer: unlisted (with `acknowledging`: the list it was on is
    /// emptied, and a held acknowledgement keeps it listed), then whether its channels are
    /// due now; one that is not only has its rate meters rolled, so an idle peer's rates fall.
    private static func isDue(_ state: inout PeerState, now: NetInstant, acknowledging: Bool) -> Bool {
        if acknowledging { state.owesFlush = false }
        guard !(state.channels.flushDue.map { $0 <= now } ?? false) else { return true }
        state.channels.rollRates(now: now)
        return false
    }

    /// Makes `peer`'s payloads and sends them; with `onlyIfDue`, only if its channels are due
    /// (a tick's flush), else just rolls their rate meters, so an idle peer's rates still fall.
    private mutating func flushChannels(
        of peer: NetPeer, now: NetInstant, onlyIfDue: Bool = false, acknowledging: Bool = true
    ) {
        // Asked before any list is lent: most peers a tick or a read burst looks at are not due.
        var listed = false
        let due = peers.update(peer) { (state: inout PeerState) -> Bool in
            guard onlyIfDue else {
                // A tick holding acknowledgements lists the peer, due on a timer of its own
                // perhaps, not for a payload just read: the acknowledgement it holds leaves at
                // the next flush (the game's answer, or its `flush`), not at the next tick.
                if acknowledging { state.owesFlush = false } else { listed = Self.marksOwingFlush(&state) }
                return true
            }
            return Self.isDue(&state, now: now, acknowledging: acknowledging)
        }
        if listed { peersOwingFlush.append(peer) }
        guard due == true else { return }
        // One list for every peer's reliable pieces (see `ChannelEndpoint.makePayloads`),
        // lent out of the core while a peer's state is changed in place.
        var pieces = pieceScratch.lend()
        var payloads = payloadScratch.lend()
        defer { payloadScratch.takeBack(&payloads) }
        peers.update(peer) { (state: inout PeerState) -> Void in
            state.channels.makePayloads(
                now: now, into: &payloads, pieceScratch: &pieces, buffers: &channelBuffers,
                acknowledging: acknowledging)
        }
        pieceScratch.takeBack(&pieces)
        for index in payloads.indices {
            // Moved out of the list, so it is the only reference when it goes back for the next.
            var payload = payloads[index].lend()
            defer { channelBuffers.payloads.recycle(&payload) }
            do throws(SendError) {
                if isHostCore {
                    try host?.send(payload: payload, to: peer.id)
                } else {
                    try client?.send(payload: payload)
                }
            } catch {
                // Only a channel layer breaking its size contract lands here.
                peers.update(peer) { $0.counters.dropped += 1 }
            }
        }
    }
}
