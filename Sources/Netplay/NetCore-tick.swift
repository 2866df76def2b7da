import NetplayBase
import NetplayChannels
import NetplayProtocol

/// The tick: queued game commands into channels, timers, and the graceful close (which
/// peers then make payloads: NetCore-flush.swift).
extension NetCore {
    /// Runs one tick at `now`: first the messages earlier ticks left waiting behind a full
    /// channel (``backlog``), then `messages`, in their order; what a full channel cannot take
    /// yet joins ``backlog`` for the next tick. `kicks` are carried out after the tick's
    /// messages are sent. Each message's bytes move out where its one recipient's channel or
    /// queue takes them: the caller may only empty the list afterwards.
    mutating func tick(
        now: NetInstant, messages: inout [OutboundMessage], kicks: [OutboundKick] = [],
        holdingAcknowledgements: Bool = false
    ) {
        // Closed, the core has let its backlog go already (`phase`).
        guard phase != .closed else { return }
        resumeAfterPause(now: now)
        retryBacklog(now: now)
        deliver(&messages, now: now)
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
    }

    /// A flush asked for by sends (the session's, once per batch of them): what waits in
    /// ``backlog`` and now fits, and `messages`, into their channels, then the peers they went
    /// to and those something arrived from make payloads, as at the end of a read burst
    /// (``flushReceived(now:)``).
    ///
    /// The timers wait for their deadlines, as they do at a read burst: a whole tick at each
    /// batch of sends walked every timer (the protocol's, every peer's channels and silence,
    /// the close, the migration) and worked the core's next deadline out anew, some 2,500
    /// instructions of a loopback round trip spent finding nothing due.
    /// Returns the earliest deadline among the peers flushed (see ``flushReceived(now:)``).
    /// As at a tick, `messages` is left with the bytes of the single-recipient ones moved out.
    mutating func flushSends(now: NetInstant, messages: inout [OutboundMessage]) -> NetInstant? {
        guard phase != .closed else { return nil }
        resumeAfterPause(now: now)
        retryBacklog(now: now)
        deliver(&messages, now: now)
        return flushReceived(now: now)
    }

    /// Hands each of `messages` to its recipients' channels, in order. Each is lent in place,
    /// where the array's subscript (or a span's, since each message is read across calls that
    /// change the core) copied it out and destroyed the copy, some 80 instructions a message;
    /// and its bytes move on from there to their one recipient.
    ///
    /// A run of messages for one channel of one peer (a client's, a host's to one player) goes
    /// in together: one look at the backlog and one lookup of the peer for the run, not one a
    /// message (some 100 instructions a message of a streaming sender's thread). Behind
    /// messages already waiting for that slot, the run joins them one by one.
    private mutating func deliver(_ messages: inout [OutboundMessage], now: NetInstant) {
        var start = messages.startIndex
        while start < messages.endIndex {
            guard let slot = soleSlot(messages[start].recipients, messages[start].channel) else {
                deliver(&messages[start], now: now)
                start += 1
                continue
            }
            var end = start + 1
            while end < messages.endIndex, soleSlot(messages[end].recipients, messages[end].channel) == slot {
                end += 1
            }
            deliver(&messages, in: start..<end, to: slot, now: now)
            start = end
        }
    }

    /// The one channel of one peer a message for `recipients` on `channel` goes to, if that is
    /// all it does: a client's every message, a host's to one player. Nil for a broadcast and
    /// for the host's own player (the loop back).
    private func soleSlot(_ recipients: NetRecipients, _ channel: ChannelID) -> SendBacklog.Slot? {
        guard isHostCore else { return SendBacklog.Slot(peer: .host, channel: channel) }
        guard case .peer(let peer) = recipients, !peer.isHost else { return nil }
        return SendBacklog.Slot(peer: peer, channel: channel)
    }

    /// Hands `messages[range]`, all for `slot`, to its channel in order, as
    /// ``deliver(_:to:on:now:)`` does one by one: behind the messages waiting for the slot if
    /// any do; else into the channel until it is full, and the rest after it into the backlog;
    /// a client still handshaking keeps them all waiting; a peer that left drops them.
    private mutating func deliver(
        _ messages: inout [OutboundMessage], in range: Range<Int>, to slot: SendBacklog.Slot, now: NetInstant
    ) {
        var waitFrom = range.lowerBound
        if !backlog.contains(slot) {
            var firstOwed = false
            let placed = peers.updateMaterializing(slot.peer, now: now) { (state: inout PeerState) -> Int in
                for index in range {
                    let placement = Self.place(
                        &messages[index].bytes, on: slot.channel, in: &state, now: now, firstOwed: &firstOwed)
                    if placement == .full { return index }
                }
                return range.upperBound
            }
            if firstOwed { peersOwingFlush.append(slot.peer) }
            switch placed {
            case let stop?: waitFrom = stop
            case nil: waitFrom = client != nil ? range.lowerBound : range.upperBound
            }
        }
        for index in waitFrom..<range.upperBound { backlog.append(messages[index].bytes.take(), for: slot) }
    }

    /// Hands `message` to each recipient's channel, or to its queue in ``backlog``. Its bytes
    /// move to the one recipient there is, and are copied for each of several.
    private mutating func deliver(_ message: inout OutboundMessage, now: NetInstant) {
        // A client sends to the host whatever the game wrote.
        guard isHostCore else {
            deliver(&message.bytes, to: .host, on: message.channel, now: now)
            return
        }
        // The host's own player receives through the same decoder as everyone else.
        let recipients = message.recipients
        if recipients.includes(.host) { loopBack(message.bytes) }
        if case .peer(let peer) = recipients {
            if !peer.isHost { deliver(&message.bytes, to: peer, on: message.channel, now: now) }
            return
        }
        // Every peer the filter admits, in id order, as they stand. By index: unspecialized
        // (debug builds), `IndexingIterator.next()` allocates, here once per message.
        let candidates = connectedPeers
        for index in candidates.indices where recipients.includes(candidates[index]) {
            var bytes = message.bytes
            deliver(&bytes, to: candidates[index], on: message.channel, now: now)
        }
    }

    /// Hands `bytes` to one peer's channel; behind the messages waiting for that channel, or
    /// where it is full, they wait in ``backlog`` (so a later message cannot overtake them).
    /// The bytes are moved out of `bytes` wherever they go (``MessageBytes/take()``).
    private mutating func deliver(
        _ bytes: inout MessageBytes, to peer: NetPeer, on channel: ChannelID, now: NetInstant
    ) {
        let slot = SendBacklog.Slot(peer: peer, channel: channel)
        if backlog.appendIfWaiting(taking: &bytes, for: slot) { return }
        if mustWait(offering: &bytes, to: slot, now: now) { backlog.append(bytes.take(), for: slot) }
    }

    /// Messages waiting behind full channels into the channels that now have room, each
    /// slot's oldest first, until one does not fit.
    private mutating func retryBacklog(now: NetInstant) {
        guard !backlog.isEmpty else { return }
        // Taken out while it is worked: moving messages changes the rest of the core.
        var waiting = SendBacklog()
        swap(&waiting, &backlog)
        waiting.retry { slot, messages in move(&messages, to: slot, now: now) }
        swap(&waiting, &backlog)
    }

    /// Moves one slot's waiting messages into its channel, oldest first, while it has room:
    /// the peer is looked up once for the whole run. Dropped whole if the peer left (a
    /// client still handshaking keeps them: the host will admit it). Those that waited for
    /// the old host when this player took over go to the host's game, which runs here now
    /// (as `takeOver` hands it what the old host never acknowledged).
    private mutating func move(_ messages: inout SendBacklog.Waiting, to slot: SendBacklog.Slot, now: NetInstant) {
        if isHostCore, slot.peer.isHost {
            while let bytes = messages.first {
                if !ReplicationChannels.carries(slot.channel) { loopBack(bytes) }
                messages.removeFirst()
            }
            return
        }
        var firstOwed = false
        let found: Void? = peers.updateMaterializing(slot.peer, now: now) {
            (state: inout PeerState) -> Void in
            while let placement = messages.offerFirst(
                { Self.place(&$0, on: slot.channel, in: &state, now: now, firstOwed: &firstOwed) },
                leaves: { $0 != .full })
            {
                if placement == .full { return }
            }
        }
        if firstOwed { peersOwingFlush.append(slot.peer) }
        if found == nil, client == nil { messages.removeAll() }
    }

    /// Offers `bytes`, with nothing waiting for its slot, to the peer's channel; true if it
    /// must wait: the channel is full, or a client is still handshaking (the host will admit
    /// it), and `bytes` is left as it was. Otherwise it was taken (moved out of `bytes`), or
    /// dropped (refused for good, or its peer left).
    private mutating func mustWait(offering bytes: inout MessageBytes, to slot: SendBacklog.Slot, now: NetInstant)
        -> Bool
    {
        // One table lookup. The same lookup lists the peer as owing a flush: a flush asked
        // for by sends makes payloads for the listed peers only (``flushSends(now:messages:)``).
        var firstOwed = false
        let placement = peers.updateMaterializing(slot.peer, now: now) {
            (state: inout PeerState) -> Placement in
            Self.place(&bytes, on: slot.channel, in: &state, now: now, firstOwed: &firstOwed)
        }
        if firstOwed { peersOwingFlush.append(slot.peer) }
        switch placement {
        case .taken, .dropped: return false
        case .full: return true
        case nil: return client != nil
        }
    }

    /// What a channel did with a message offered to it.
    private enum Placement {
        /// Queued to be sent.
        case taken
        /// Refused for good, and counted.
        case dropped
        /// No room now: it must wait.
        case full
    }

    /// ``place(_:on:in:now:)``, and a message taken marks its peer as owing a flush:
    /// `firstOwed` is set when this mark is the one that lists the peer
    /// (``peersOwingFlush``, which the caller appends to once, after the peer's lookup).
    private static func place(
        _ bytes: inout MessageBytes, on channel: ChannelID, in state: inout PeerState, now: NetInstant,
        firstOwed: inout Bool
    ) -> Placement {
        let placement = place(&bytes, on: channel, in: &state, now: now)
        if placement == .taken, marksOwingFlush(&state) { firstOwed = true }
        return placement
    }

    /// Offers `bytes` to `state`'s channel, which moves them out if it takes them. A full
    /// channel answers `full` rather than throwing `queueFull`: the backlog asks again at
    /// every tick.
    private static func place(
        _ bytes: inout MessageBytes, on channel: ChannelID, in state: inout PeerState, now: NetInstant
    ) -> Placement {
        do throws(ChannelSendError) {
            guard try state.channels.enqueueIfRoom(taking: &bytes, on: channel, now: now) else { return .full }
            state.counters.sent += 1
            return .taken
        } catch {
            // Every message has a byte at least (a game message its type id, a replication
            // control message four at least): an empty reliable one, which the wire cannot
            // carry, is a bug here, not the game's.
            assert(error != .emptyReliableMessage(channel), "an empty reliable message was queued")
            state.counters.dropped += 1
            return .dropped
        }
    }

    /// Whether a tick may move the messages waiting in ``backlog``, so that the session asks
    /// for one at once: not while this client waits for the host to admit it. Those wait for
    /// the read burst that admits it, which moves them (``backlogMayMove()``); retried at
    /// every tick meanwhile, they woke a handshake every tick interval, 200 times a second
    /// for as long as the host did not answer.
    var backlogRetriesAtTicks: Bool { !backlog.isEmpty && (isHostCore || peers.contains(.host)) }

    /// Whether the messages waiting behind some full channel could now move, with room to
    /// spare for the ones behind them (see `ChannelEndpoint.hasRoomForBacklog`): a read burst
    /// whose acknowledgements made that room retries the backlog at once. Every slot is asked
    /// (they are few): a broadcast ahead of two peers waits in two, and the second's room
    /// must not wait for the next tick because the first is still full.
    mutating func backlogMayMove() -> Bool {
        backlog.containsHead { slot, byteCount in
            peers.update(slot.peer) { $0.channels.hasRoomForBacklog(byteCount, on: slot.channel) } ?? true
        }
    }

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
        peers.updateEach { _, state in state.channels.resume(now: now) }
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
        // Messages waiting behind a full channel for a connected peer are not sent yet, let
        // alone acknowledged (a client still handshaking has no peer, and does not wait).
        let unacknowledged =
            backlog.containsHead { slot, _ in peers.contains(slot.peer) }
            || peers.contains { $0.channels.awaitsAcknowledgement() }
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
