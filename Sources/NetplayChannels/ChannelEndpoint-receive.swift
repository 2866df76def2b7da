import NetplayBase

/// Taking payloads from the connection: validate whole, refuse what cannot be buffered,
/// then apply the acks and hand each entry to its channel.
extension ChannelEndpoint {
    /// Takes one payload the connection delivered. A malformed, duplicate or stale payload is
    /// dropped and counted in ``ChannelStatistics/drops``; so is one whose reliable data
    /// would overflow ``ChannelConfig/maxReceiveBufferBytes`` — left unacknowledged, so the
    /// peer resends it later.
    package mutating func receive(_ payload: [UInt8], now: NetInstant) {
        var buffers = ChannelBuffers()
        receive(payload, now: now, buffers: &buffers)
    }

    /// ``receive(_:now:)``, with the piece lists of the packets it acknowledges kept in
    /// `buffers` for the next packets sent (see ``ChannelBuffers``).
    package mutating func receive(_ payload: [UInt8], now: NetInstant, buffers: inout ChannelBuffers) {
        lastNow = max(lastNow, now)
        take(payload, now: now, buffers: &buffers)
        // When payloads must next be made here, worked out afresh rather than "now": most
        // payloads a game receives change nothing due now (an input whose ack is held for the
        // next snapshot, an ack of a snapshot), and a host that made payloads for every peer
        // it heard from at every read burst spent a tenth of its work per input on finding
        // nothing to send. Not in a `defer`: from there the read copied the whole endpoint.
        flushDue = nextWakeup
        // The ledger drops the records this payload acknowledged only when payloads are made:
        // a full one may have room now that `nextWakeup` cannot see.
        if !ledger.hasRoom, hasSendableData { flushDue = lastNow }
    }

    private mutating func take(_ payload: [UInt8], now: NetInstant, buffers: inout ChannelBuffers) {
        receivedRate.record(bytes: payload.count, now: now)
        guard payload.count <= geometry.payloadBytes else {
            drops.oversizedPayloads += 1
            return
        }
        // The entries go into a buffer kept for its room (emptied, keeping it, before this
        // returns); each names where its bytes lie in `payload`.
        var entries = entryScratch.lend()
        defer { entryScratch.takeBack(&entries) }
        let header: PayloadHeader
        do {
            header = try PayloadDecoder.decode(payload, layout: config.layout, into: &entries) {
                geometry.maxFragments(for: $0)
            }
        } catch {
            drops.malformedPayloads += 1
            return
        }
        let sequence: Int64
        switch received.classify(header.sequence) {
        case .stale:
            drops.stalePackets += 1
            return
        case .duplicate:
            drops.duplicatePackets += 1
            return
        case .new(let full):
            sequence = full
        }
        // The payload parsed, so its acks are trustworthy even if its data is refused below:
        // a full receive buffer must not also stop this end's own data being acknowledged.
        processAcks(header, now: now, pieceLists: &buffers.pieceLists)
        if !entries.isEmpty { materializeLanes() }
        guard admit(entries) else { return }
        let need = ackNeed(of: entries)
        received.markReceived(
            sequence, needs: need, now: now, hold: need == .relaxed ? config.relaxedAckHold : config.ackHold)
        for index in entries.indices { dispatch(entries[index], in: payload, now: now) }
    }

    /// How soon the packet of `entries` must be acknowledged: promptly if it carries a
    /// reliable piece (the sender resends what is not acknowledged in time).
    /// Inlined: a call from `receive` copied the whole endpoint (see ``hasUnackedReliableData``).
    @inline(__always)
    private func ackNeed(of entries: [ChannelEntry]) -> ReceivedPacketWindow.AckNeed {
        guard !entries.isEmpty else { return .none }
        for index in entries.indices where lanes[Int(entries[index].channel)].kind.isReliable { return .prompt }
        return .relaxed
    }

    /// Whether every reliable piece has room: the whole payload is refused otherwise, since
    /// acknowledging the packet would promise the peer data this end did not keep.
    private mutating func admit(_ entries: [ChannelEntry]) -> Bool {
        // Through the lanes' buffer: each `lanes[lane]` that may change a lane is a call (the
        // array's accessor, not inlined), some 37 instructions an entry.
        let needed: Int? = lanes.withUnsafeMutableBufferPointer { lanes in
            var needed = 0
            for index in entries.indices {
                let lane = Int(entries[index].channel)
                // The decoder refused channels the layout lacks; the buffer's subscript is
                // unchecked in release builds, so this stays checked here.
                precondition(lane < lanes.count, "an entry's channel was checked against the layout")
                guard let assessment = lanes[lane].reliableIn?.assess(entries[index]) else { continue }
                switch assessment {
                case .duplicate:
                    break
                case .accept(_, let bytes):
                    needed += bytes
                case .outOfWindow:
                    return nil
                }
            }
            return needed
        }
        guard let needed else {
            drops.refusedBeyondWindow += 1
            return false
        }
        guard needed == 0 || bufferedBytes + needed <= config.maxReceiveBufferBytes else {
            drops.refusedReceiveBufferFull += 1
            return false
        }
        return true
    }

    private mutating func dispatch(_ entry: ChannelEntry, in payload: [UInt8], now: NetInstant) {
        let lane = Int(entry.channel)
        let channel = ChannelID(entry.channel)
        // A checked read: the lane exists, so the buffer's unchecked subscript below is safe.
        let kind = lanes[lane].kind
        let limit = geometry.messageLimit(for: kind)
        if kind.isReliable {
            // The lane is changed through the lanes' buffer, not `lanes[lane]` (a call of the
            // array's accessor, some 37 instructions), with the delivered list moved out for the
            // while (the closure may not reach `self` while `lanes` is borrowed): about 37
            // instructions less a message (callgrind). Released straight into the list.
            var released: [DeliveredMessage] = []
            swap(&released, &delivered)
            let inserted = lanes.withUnsafeMutableBufferPointer { lanes in
                lanes[lane].reliableIn?.insertIfNew(
                    entry, in: payload, limit: limit, now: now, channel: channel, released: &released)
            }
            swap(&released, &delivered)
            guard case (let delta, let refused)?? = inserted else {
                drops.duplicatePieces += 1
                return
            }
            bufferedBytes += delta
            if refused { drops.inconsistentFragments += 1 }
            return
        }
        // Released straight into `delivered`, and taken back out if over the budget. Through
        // `lanes[lane]`: the buffer's way saved nothing here (its own accessor was a call too).
        guard
            let (outcome, delta) = lanes[lane].unreliableIn?.receive(
                entry, in: payload, limit: limit, now: now, channel: channel, released: &delivered)
        else { return }
        bufferedBytes += delta
        // Whatever the outcome: a refused fragment may still have opened a slot.
        if entry.fragment != nil, lanes[lane].unreliableIn?.isAssembling == true { mayHoldAssemblies = true }
        switch outcome {
        case .delivered(let byteCount):
            guard bufferedBytes + byteCount <= config.maxReceiveBufferBytes else {
                delivered.removeLast()
                drops.unreliableBufferFull += 1
                return
            }
            bufferedBytes += byteCount
        case .buffered:
            break
        case .stale:
            drops.staleSequenced += 1
        case .refused:
            drops.inconsistentFragments += 1
        }
    }

    /// Resolves every packet the header acknowledges, and takes a round-trip sample if it
    /// acknowledged any.
    private mutating func processAcks(
        _ header: PayloadHeader, now: NetInstant, pieceLists: inout PieceListStash
    ) {
        // What `ack` names, read before the acks below resolve it: see `takeRoundTripSample`.
        let named = ledger.sentRecord(header.ack)
        var newest: (sentAt: NetInstant, isAck: Bool)?
        var reliableProgress = false
        // How far the path reordered a packet: how much newer the newest packet acknowledged
        // by earlier headers was (this header's own acks came together, not reordered).
        let largestAckedBefore = ledger.largestAckedOrdinal
        // Bit 0: `ack` itself; bit k: `ack - k`, from the header's bit k - 1. Newest first, set
        // bits only, and none naming a sequence the ledger no longer holds.
        var pending = (UInt64(header.ackBits & ledger.ackBitsMask(before: header.ack)) << 1) | 1
        while pending != 0 {
            let distance = pending.trailingZeroBitCount
            pending &= pending &- 1
            guard var acknowledged = ledger.acknowledge(header.ack &- UInt16(distance)) else { continue }
            let record = acknowledged.record
            if newest == nil { newest = (record.sentAt, distance == 0) }
            counters.packetsAcked += 1
            sentLossAverage -= sentLossAverage * ReceivedPacketWindow.lossSmoothing
            if let rule = acknowledged.lostBy {
                counters.spuriousLosses += 1
                congestion.onSpuriousLoss(sentAt: record.sentAt)
                if rule == .packetThreshold {
                    // The path reordered deeper than the threshold: tolerate that much from now on.
                    let reordering = largestAckedBefore - record.ordinal
                    packetThreshold = min(max(packetThreshold, reordering + 1), Self.maxPacketThreshold)
                }
            } else {
                congestion.onAcked(bytes: record.bytes, sentAt: record.sentAt)
            }
            acknowledge(record.pieces)
            reliableProgress = reliableProgress || !record.pieces.isEmpty
            // The record's copy above goes first, so the list is the only reference.
            _ = consume record
            pieceLists.recycle(&acknowledged.record.pieces)
        }
        if reliableProgress { unacknowledgedSince = hasUnackedReliableData ? now : nil }
        guard let newest else { return }
        roundTrip.noteProgress()
        takeRoundTripSample(header, newestAcknowledged: newest, named: named, now: now)
    }

    /// One round-trip sample from a header that acknowledged something new (RFC 9002 §5.1),
    /// with the time the peer held it taken out. The hold is known only for the payload `ack`
    /// names; the sample is of that payload if it is one of those newly acknowledged, or an
    /// ack-only one (born resolved, but still on the ledger). If `ack` names a payload with
    /// entries acknowledged before, the newly acknowledged ones arrived after it, out of order,
    /// and were acknowledged at once (docs/PROTOCOL.md §5): the newest of them is the sample,
    /// whole — too long only if the ack sent at once was lost and this is the second naming.
    private mutating func takeRoundTripSample(
        _ header: PayloadHeader, newestAcknowledged newest: (sentAt: NetInstant, isAck: Bool),
        named: (sentAt: NetInstant, isAckOnly: Bool, isRelaxed: Bool)?, now: NetInstant
    ) {
        guard let named else { return }
        let sentAt: NetInstant
        var held: Int64 = 0
        var maxHeld = RoundTripEstimator.peerMaxAckDelay
        if newest.isAck || named.isAckOnly {
            // The hold is needed, and an unknown one gives no sample.
            guard header.ackDelay != PayloadHeader.unknownAckDelay else { return }
            sentAt = named.sentAt
            held = Int64(header.ackDelay) * 1_000
            // An ack-only payload is not itself acknowledged: the header naming it may have
            // been held for an older relaxed packet.
            if named.isRelaxed || named.isAckOnly { maxHeld = RoundTripEstimator.peerMaxRelaxedAckDelay }
        } else {
            // Whole whatever the header's delay: on a path that reorders deeply, these samples
            // of the late packets are what keeps the estimate from favouring the packets that
            // overtook them (without them, `reorderingRaisesThePacketThreshold` counted losses
            // the receiver never had).
            sentAt = newest.sentAt
        }
        if let floor = roundTripSamplesFrom, sentAt < floor { return }
        roundTrip.add(sample: (now - sentAt).nanosecondsClamped, ackDelay: held, maxAckDelay: maxHeld)
    }

    /// Marks an acknowledged packet's reliable pieces acknowledged in their channels, a run of
    /// one channel's at a time (a packet's pieces are written channel by channel). By index:
    /// unspecialized (debug builds), `IndexingIterator.next()` allocates.
    private mutating func acknowledge(_ pieces: [PieceReference]) {
        var start = 0
        while start < pieces.count {
            let channel = pieces[start].channel
            var end = start + 1
            while end < pieces.count, pieces[end].channel == channel { end += 1 }
            lanes[Int(channel)].reliableOut.acknowledge(pieces, in: start..<end)
            start = end
        }
    }
}
