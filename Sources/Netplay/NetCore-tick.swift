import NetplayBase
import NetplayChannels
import NetplayProtocol

/// The tick: queued game commands into channels, timers, and the graceful close (which
/// peers then make payloads: NetCore-flush.swift).
extension NetCore {
    /// One channel of one peer, which stays blocked for the rest of a tick once its queue is
    /// full, so later messages cannot overtake the one that did not fit.
    private struct ChannelSlot: Hashable {
        var peer: NetPeer
        var channel: ChannelID
    }

    /// The slots blocked this tick. A backlog is nearly always many messages for one slot: the
    /// last one found blocked is compared before anything is hashed.
    private struct BlockedSlots {
        private var slots = Set<ChannelSlot>()
        private var last: ChannelSlot?

        var isEmpty: Bool { last == nil }

        /// The set is filled only from a second slot on: a stream's one full channel, blocked
        /// at every tick and read burst, made a set (an allocation) each time.
        mutating func insert(_ slot: ChannelSlot) {
            if let last, last != slot {
                if slots.isEmpty { slots.insert(last) }
                slots.insert(slot)
            }
            last = slot
        }

        func contains(_ slot: ChannelSlot) -> Bool {
            slot == last || (!slots.isEmpty && slots.contains(slot))
        }
    }

    /// What became of one queued message this tick.
    private enum Delivery {
        /// Every recipient's channel took it (or it was dropped for a reason that will not pass).
        case done
        /// It waits, unchanged, for the next tick.
        case waits
        /// It waits for the recipients whose channels could not take it yet.
        case waitsFor(OutboundMessage)
    }

    /// Runs one tick at `now`. `backlog` holds the messages earlier ticks left waiting and
    /// comes back holding what must wait for the next one (messages whose channel queue is
    /// full): its own, then those of `messages`, in their original order. `kicks` are carried
    /// out after the tick's messages are sent. Returns the bytes of the messages that left.
    ///
    /// The backlog is worked in place. A game that streams faster than its link leaves tens
    /// of thousands of messages waiting behind a full channel, and they are retried every
    /// tick: rebuilding that list each time (and hashing every message's channel slot) was
    /// most of such a sender's CPU.
    mutating func tick(
        now: NetInstant, backlog: inout [OutboundMessage], messages: [OutboundMessage],
        kicks: [OutboundKick] = [], holdingAcknowledgements: Bool = false
    ) -> Int {
        guard phase != .closed else {
            backlog.removeAll()
            return 0
        }
        resumeAfterPause(now: now)
        var blocked = BlockedSlots()
        var released = 0
        // Waiting messages are moved down over the ones that left, then the tail is cut.
        var kept = 0
        for index in backlog.indices {
            switch deliver(backlog[index], now: now, blocked: &blocked) {
            case .done:
                released += backlog[index].bytes.count
                continue
            case .waits: break
            case .waitsFor(let rest): backlog[index] = rest
            }
            if kept != index { backlog.swapAt(kept, index) }
            kept += 1
        }
        if kept < backlog.count { backlog.removeSubrange(kept...) }
        released += deliver(messages, now: now, blocked: &blocked, leavingWaiting: &backlog)
        sharePlanIfChanged(now: now)
        flushChannels(now: now, acknowledging: !holdingAcknowledgements)
        // After the flush, so that messages queued before a kick still go out ahead of it.
        for kick in kicks where !kick.peer.isHost { host?.disconnect(kick.peer.id, reason: kick.reason) }
        dropUnresponsivePeers(now: now)
        host?.update(now: now)
        client?.update(now: now)
        handleHostEvents(now: now)
        handleClientEvents(now: now)
        leaveSilentHost(now: now)
        advanceHandover(now: now)
        expireAwaitedSeats(now: now)
        advanceClose(now: now)
        return released
    }

    /// A flush asked for by sends (the session's, once per batch of them), with nothing
    /// waiting behind a full channel: `messages` into their channels, then the peers they went
    /// to and those something arrived from make payloads, as at the end of a read burst
    /// (``flushReceived(now:)``). `backlog`, empty, comes back holding the messages a full
    /// channel could not take yet.
    ///
    /// The timers wait for their deadlines, as they do at a read burst: a whole tick at each
    /// batch of sends walked every timer (the protocol's, every peer's channels and silence,
    /// the close, the migration) and worked the core's next deadline out anew, some 2,500
    /// instructions of a loopback round trip spent finding nothing due.
    /// Returns the bytes of the messages that left, and the earliest deadline among the peers
    /// flushed (see ``flushReceived(now:)``).
    mutating func flushSends(
        now: NetInstant, messages: [OutboundMessage], backlog: inout [OutboundMessage]
    ) -> (released: Int, deadline: NetInstant?) {
        guard phase != .closed else { return (0, nil) }
        resumeAfterPause(now: now)
        var blocked = BlockedSlots()
        let released = deliver(messages, now: now, blocked: &blocked, leavingWaiting: &backlog)
        return (released, flushReceived(now: now))
    }

    /// Hands each of `messages` to its recipients' channels, in order; appends what must wait
    /// to `waiting`. Returns the bytes of the messages that left.
    private mutating func deliver(
        _ messages: [OutboundMessage], now: NetInstant, blocked: inout BlockedSlots,
        leavingWaiting waiting: inout [OutboundMessage]
    ) -> Int {
        var released = 0
        for index in messages.indices {
            switch deliver(messages[index], now: now, blocked: &blocked) {
            case .done: released += messages[index].bytes.count
            case .waits: waiting.append(messages[index])
            case .waitsFor(let rest): waiting.append(rest)
            }
        }
        return released
    }

    /// Hands `message` to each recipient's channel; says what is left for the next tick.
    private mutating func deliver(_ message: OutboundMessage, now: NetInstant, blocked: inout BlockedSlots) -> Delivery
    {
        // The backlog behind a full channel is retried every tick: for a message to one peer
        // whose channel is already known to be full this tick, skip straight to "later".
        if !blocked.isEmpty, case .peers(let listed) = message.target, listed.count == 1,
            blocked.contains(ChannelSlot(peer: listed[0], channel: message.channel))
        {
            return .waits
        }
        // The peers still owed the message. Counted, and listed only for a message with more
        // than one candidate: a stream's backlog behind a full channel is retried at every
        // tick and read burst, and a list for its one recipient was an allocation each time.
        var owedCount = 0
        var owed: [NetPeer] = []
        // A host's filter over its own player then its peers, in id order, as they stand
        // (no list is built: this runs for every message).
        var filter: NetRecipients?
        if case .recipients(let recipients) = message.target, isHostCore {
            filter = recipients
            if recipients.includes(.host) { loopBack(message.bytes) }
        }
        // By index here and below: unspecialized (debug builds), `IndexingIterator.next()`
        // allocates, per message here and per peer per tick in the loops below.
        let candidates = candidates(for: message.target)
        for index in candidates.indices {
            let peer = candidates[index]
            if let filter, !filter.includes(peer) { continue }
            if peer.isHost, isHostCore {
                loopBack(message.bytes)
                continue
            }
            let slot = ChannelSlot(peer: peer, channel: message.channel)
            guard blocked.isEmpty || !blocked.contains(slot) else {
                owedCount += 1
                if candidates.count > 1 { owed.append(peer) }
                continue
            }
            do throws(ChannelSendError) {
                // One table lookup: `update` finds nothing for a peer that is not connected.
                // A full channel answers `false` rather than throwing `queueFull`: a stream's
                // backlog asks again at every tick and read burst.
                // The same lookup lists the peer as owing a flush: a flush asked for by sends
                // makes payloads for the listed peers only (``flushSends(now:messages:backlog:)``).
                var firstOwed = false
                let enqueued: Bool? = try peers.update(peer) {
                    (state: inout PeerState) throws(ChannelSendError) -> Bool in
                    guard
                        try state.channels.enqueueIfRoom(message.bytes, on: message.channel, now: now)
                    else { return false }
                    state.counters.sent += 1
                    firstOwed = Self.marksOwingFlush(&state)
                    return true
                }
                if firstOwed { peersOwingFlush.append(peer) }
                if enqueued == false { blocked.insert(slot) }
                // A client still handshaking keeps its messages for when the host admits it;
                // a peer that left meanwhile simply no longer gets them.
                if enqueued == false || (enqueued == nil && client != nil) {
                    owedCount += 1
                    if candidates.count > 1 { owed.append(peer) }
                }
            } catch {
                peers.update(peer) { $0.counters.dropped += 1 }
            }
        }
        guard owedCount > 0 else { return .done }
        // Every listed recipient still owed (the common case while a channel is full): keep the
        // message as it is rather than building a copy of it each tick. (A `.recipients` target
        // is frozen to `.peers` the first time, so peers who join later never get it.)
        if case .peers(let listed) = message.target, owedCount == listed.count { return .waits }
        var rest = message
        rest.target = .peers(candidates.count > 1 ? owed : candidates)
        return .waitsFor(rest)
    }

    /// Whether `message`, the first message behind a full channel, could now move with room to
    /// spare for the ones behind it (see `ChannelEndpoint.hasRoomForBacklog`): a read burst
    /// whose acknowledgements made that room retries the backlog at once.
    mutating func backlogMayMove(_ message: OutboundMessage) -> Bool {
        let candidates = candidates(for: message.target)
        for index in candidates.indices where !(candidates[index].isHost && isHostCore) {
            let hasRoom = peers.update(candidates[index]) {
                $0.channels.hasRoomForBacklog(message.bytes.count, on: message.channel)
            }
            if hasRoom == true { return true }
        }
        return false
    }

    /// Who a message may go to: the listed peers; on a client, the host whatever the game
    /// wrote; on a host, every peer (its own player is handled apart, before them).
    private func candidates(for target: OutboundMessage.Target) -> [NetPeer] {
        switch target {
        case .peers(let peers): return peers
        case .recipients: return isHostCore ? connectedPeers : Self.hostOnly
        }
    }

    private static let hostOnly: [NetPeer] = [.host]

    /// The host's own player receives through the same decoder as everyone else, so a
    /// message means the same thing on every machine.
    mutating func loopBack(_ bytes: [UInt8]) {
        guard let message = try? registry.decode(bytes) else { return }
        events.append(.message(message, from: .host))
    }

    /// ``loopBack(_:)-([UInt8])`` of a sent message's bytes (copied into an array when they
    /// are held inline: the decoder reads arrays).
    mutating func loopBack(_ bytes: MessageBytes) {
        loopBack(bytes.array)
    }

    /// A long gap since the core last ran means this process was paused (a debugger, SIGSTOP):
    /// the protocol endpoints restart their peers' silence timers, and the channels resend what
    /// was in flight at once, with nothing of the pause counted against the peers.
    ///
    /// Checked on every datagram as well as every tick: on waking, the driver reads what queued
    /// up in the socket before its timer fires, and those datagrams acknowledge packets sent
    /// before the pause; the channels must know of the pause first, or they would take the
    /// pause for the round-trip time (see `ChannelEndpoint.resume(now:)`).
    mutating func resumeAfterPause(now: NetInstant) {
        defer { lastRun = now }
        guard let last = lastRun, now.isAtLeast(pauseThreshold, after: last) else { return }
        let connected = connectedPeers
        for index in connected.indices { peers.update(connected[index]) { $0.channels.resume(now: now) } }
    }

    /// Closes connections whose reliable data has gone unacknowledged for
    /// ``NetOptions/unresponsiveTimeout``: the peer sends keepalives but does not receive.
    private mutating func dropUnresponsivePeers(now: NetInstant) {
        // An interrupted peer is silent, not unresponsive: the resume grace decides for it.
        let timeout = unresponsiveTimeout
        // In place, in one pass: `peers[peer]` would copy the peer's channel state, every
        // peer, every tick. Gone quiet is rare: the list stays empty, and allocates nothing.
        var unresponsive: [NetPeer] = []
        peers.updateEach { peer, state in
            if !state.isInterrupted && state.channels.isUnresponsive(now: now, after: timeout) {
                unresponsive.append(peer)
            }
        }
        for index in unresponsive.indices {
            let peer = unresponsive[index]
            if isHostCore {
                host?.disconnect(peer.id, because: .unresponsive)
            } else {
                client?.disconnect(because: .unresponsive)
            }
        }
    }

    /// Graceful close: keep flushing until every reliable message is acknowledged (or the
    /// deadline passes), then tell the peers and stop.
    mutating func advanceClose(now: NetInstant) {
        if closeRequested, phase == .running { phase = .flushing(deadline: now + closeFlushTimeout) }
        guard case .flushing(let deadline) = phase else { return }
        let unacknowledged = peers.contains { $0.channels.awaitsAcknowledgement() }
        guard !unacknowledged || now >= deadline else { return }
        if isHostCore {
            // With players left and a plan shared, they carry on without us.
            host?.shutDown(handingOver: migration.secret != nil && !peers.isEmpty)
            handleHostEvents(now: now)
            report(.disconnected(.host, .closedLocally))
        } else {
            client?.disconnect()
            handleClientEvents(now: now)
        }
        phase = .closed
    }
}
