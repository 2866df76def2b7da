import NetplayBase

/// Building payloads: loss detection, then messages within the congestion and pacing
/// budget, then acknowledgements still owed.
extension ChannelEndpoint {
    /// The payloads to hand to the connection now, each at most
    /// ``ChannelConfig/maxPayloadBytes``: resends and new messages while the congestion
    /// window and bandwidth cap allow, then ack-only payloads for received packets whose
    /// acknowledgement is due and did not ride on data.
    package mutating func makePayloads(now: NetInstant) -> [[UInt8]] {
        var pieces: [PieceReference] = []
        return makePayloads(now: now, pieceScratch: &pieces)
    }

    /// ``makePayloads(now:)`` with a list its caller keeps for its room and lends to every
    /// peer's endpoint in turn (a session does): each data payload gathers its reliable pieces
    /// there, then stores one exact-size copy. Grown piece by piece instead, a payload of a
    /// few dozen messages regrew its list six or seven times; kept by each endpoint, a host
    /// would hold that room for every peer that was ever busy.
    ///
    /// Without `acknowledging`, acknowledgements leave only in data payloads, none on its
    /// own, even when due: for a caller that knows a payload follows shortly (the game-thread
    /// driver, while the game answers what it just read). They stay due, and ``flushDue``
    /// says so.
    package mutating func makePayloads(
        now: NetInstant, pieceScratch pieces: inout [PieceReference], acknowledging: Bool = true
    ) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var buffers = ChannelBuffers()
        makePayloads(
            now: now, into: &payloads, pieceScratch: &pieces, buffers: &buffers, acknowledging: acknowledging)
        return payloads
    }

    /// ``makePayloads(now:pieceScratch:acknowledging:)`` appending to `payloads`,
    /// a list its caller keeps for its room (a session does: a new list a flush was an
    /// allocation at every tick), each payload written into a buffer from `buffers` (where
    /// its caller puts them back once they are sealed into packets; see ``ChannelBuffers``).
    package mutating func makePayloads(
        now: NetInstant, into payloads: inout [[UInt8]], pieceScratch pieces: inout [PieceReference],
        buffers: inout ChannelBuffers, acknowledging: Bool = true
    ) {
        lastNow = max(lastNow, now)
        detectLosses(now: now)
        expireReassemblies(now: now)
        rollRates(now: now)
        pacer.refill(now: now)
        let first = payloads.count
        while payloads.count - first < Self.maxPayloadsPerCall, hasSendableData, pacer.canSend {
            guard ledger.hasRoom, congestion.canSend else { break }
            guard
                let payload = makeDataPayload(
                    now: now, pieces: &pieces, buffer: buffers.payloads.take(capacity: geometry.payloadBytes),
                    buffers: &buffers)
            else { break }
            payloads.append(payload)
        }
        while acknowledging, payloads.count - first < Self.maxPayloadsPerCall,
            let owed = received.newestOwed(now: now)
        {
            payloads.append(
                makeAckPayload(
                    acknowledging: owed, now: now, buffer: buffers.payloads.take(capacity: geometry.payloadBytes)))
        }
        flushDue = nextWakeup
    }

    /// Closes the rate meters' intervals that have run out, as ``makePayloads(now:)`` does: for
    /// a session that skips the endpoint at a tick because nothing is due here, so the rates
    /// it reports for an idle peer still fall.
    package mutating func rollRates(now: NetInstant) {
        sentRate.roll(now: now)
        receivedRate.roll(now: now)
    }

    /// A data payload written into `buffer`, or nil with `buffer` given back to `buffers` if
    /// no message fit. Its record's piece list comes from `buffers` too.
    private mutating func makeDataPayload(
        now: NetInstant, pieces: inout [PieceReference], buffer: consuming [UInt8], buffers: inout ChannelBuffers
    ) -> [UInt8]? {
        let ack = received.newest
        let (ackField, ackBits, ackDelay) = received.header(acknowledging: ack, now: now)
        var writer = PayloadWriter(
            header: PayloadHeader(
                sequence: ledger.upcomingSequence, ack: ackField, ackBits: ackBits, ackDelay: ackDelay),
            capacity: geometry.payloadBytes, in: consume buffer
        )
        pieces.empty()
        // From `firstLane` round to the one before it, wrapped by a comparison: a remainder
        // per lane was a division each.
        assert(lanes.isEmpty || firstLane < lanes.count, "firstLane \(firstLane) of \(lanes.count)")
        var lane = firstLane
        for _ in 0..<lanes.count {
            defer {
                lane += 1
                if lane == lanes.count { lane = 0 }
            }
            let channel = UInt8(lane)
            // An idle lane is skipped before any call into it (each cost allocations in
            // unspecialized builds, per lane per payload).
            guard lanes[lane].hasSendable else { continue }
            if lanes[lane].kind.isReliable {
                counters.resentPieces += lanes[lane].reliableOut.fill(
                    &writer, channel: channel, geometry: geometry, pieces: &pieces)
            } else {
                lanes[lane].unreliableOut.fill(&writer, channel: channel, geometry: geometry)
            }
        }
        firstLane = (firstLane + 1) % max(lanes.count, 1)
        guard writer.entryCount > 0 else {
            var bytes = writer.takeBytes()
            buffers.payloads.recycle(&bytes)
            return nil
        }
        let stored = buffers.pieceLists.copy(of: pieces)
        _ = ledger.record(SentPacketLedger.Record(sentAt: now, bytes: writer.byteCount, pieces: stored, inFlight: true))
        if !pieces.isEmpty, unacknowledgedSince == nil { unacknowledgedSince = now }
        received.markCovered(acknowledging: ack, now: now)
        congestion.onSent(bytes: writer.byteCount)
        pacer.spend(bytes: writer.byteCount)
        sentRate.record(bytes: writer.byteCount, now: now)
        return writer.bytes
    }

    private mutating func makeAckPayload(acknowledging ack: Int64, now: NetInstant, buffer: consuming [UInt8])
        -> [UInt8]
    {
        // Ack-only payloads are tracked too (to keep sequence → record O(1)); behind a
        // packet stuck in flight they could outgrow the ledger, so give that packet up.
        while !ledger.hasRoom, let oldest = ledger.declareOldestLost() { declareLost(oldest, now: now) }
        // Still full of packets declared lost and awaiting a late ack: count them lost now.
        if !ledger.hasRoom { resolveLosses(horizon: now + .nanoseconds(1), reachHorizon: now) }
        let (ackField, ackBits, ackDelay) = received.header(acknowledging: ack, now: now)
        let writer = PayloadWriter(
            header: PayloadHeader(
                sequence: ledger.upcomingSequence, ack: ackField, ackBits: ackBits, ackDelay: ackDelay),
            capacity: geometry.payloadBytes, in: consume buffer
        )
        _ = ledger.record(SentPacketLedger.Record(sentAt: now, bytes: writer.byteCount, pieces: [], inFlight: false))
        received.markCovered(acknowledging: ack, now: now)
        pacer.spend(bytes: writer.byteCount)
        sentRate.record(bytes: writer.byteCount, now: now)
        return writer.bytes
    }

    /// Loss detection (RFC 9002 §6). A packet is declared lost by one of three rules only:
    /// a packet sent ``packetThreshold`` data payloads after it has been acknowledged
    /// (§6.1.1); a newer one has been acknowledged and the time threshold (``lossDelay``) has
    /// passed since it was sent (§6.1.2); or it has waited a whole retransmission timeout of its
    /// own, which allows for the peer's max ack delay for its kind, with no ack at all.
    /// Reliable pieces of lost packets are queued for resending at once; the loss itself is
    /// only *counted* once no ack can name the packet any more, so a late ack (a busy machine,
    /// a reordering path — not a drop) is never reported as loss.
    mutating func detectLosses(now: NetInstant) {
        // Nothing sent is unresolved (a host's peer between snapshots): nothing to look at.
        guard ledger.count > 0 else { return }
        var lost: [SentPacketLedger.Record] = []
        let largestAcked = ledger.largestAcked
        if largestAcked >= 0, ledger.oldestInFlight.map({ $0.sequence < largestAcked }) == true {
            let delay = lossDelay
            let threshold = packetThreshold
            let newestOrdinal = ledger.largestAckedOrdinal
            ledger.declareLost(through: largestAcked - 1, into: &lost) { sequence, record in
                if newestOrdinal - record.ordinal >= threshold { return .packetThreshold }
                return (now - record.sentAt).nanosecondsClamped >= delay ? .timeThreshold : nil
            }
        }
        for packet in lost { declareLost(packet, now: now) }
        lost.empty()
        ledger.declareTimedOut(
            now: now, prompt: roundTrip.retransmissionTimeout, relaxed: roundTrip.relaxedRetransmissionTimeout,
            into: &lost)
        for packet in lost { declareLost(packet, now: now) }
        if !lost.isEmpty { roundTrip.noteTimeout() }
        let patience = settlementPatience
        resolveLosses(
            horizon: NetInstant(nanoseconds: now.nanoseconds - patience.loss),
            reachHorizon: NetInstant(nanoseconds: now.nanoseconds - patience.reach))
    }

    /// How long, in nanoseconds, a packet declared lost waits for a late ack before its loss is
    /// counted: ``lossResolutionTimeouts`` retransmission timeouts, or one once it is beyond
    /// the reach of any ack (see ``SentPacketLedger/dropResolved(lossHorizon:reachHorizon:)``).
    var settlementPatience: (loss: Int64, reach: Int64) {
        let timeout = roundTrip.retransmissionTimeout
        return (Self.lossResolutionTimeouts * timeout, timeout)
    }

    /// The time threshold: 9/8 of the larger of the smoothed and latest round trip (RFC 9002
    /// §6.1.2), and at least SRTT + 4·RTTVAR, the variation RFC 9002 allows a sender to
    /// include. The latest sample is taken with the peer's ack delay out, where RFC 9002 keeps
    /// it in: a packet this rule judges is older than one already acknowledged, so it either
    /// was lost or arrived late, out of order, and is acknowledged at once (docs/PROTOCOL.md
    /// §5): no hold delays its ack. Whole, a sample of an unreliable packet held 40 ms for a
    /// snapshot made the threshold 45 ms on a 1 ms path. Without the RTTVAR term a jittery
    /// path is declared lossy: at 20 ± 5 ms each way the round trip spans 30–50 ms, 9/8 of
    /// its 40 ms mean is 45 ms, and a packet whose round trip drew 48 ms was "lost" whenever a
    /// later one came back sooner.
    var lossDelay: Int64 {
        let smoothed = roundTrip.smoothed ?? RoundTripEstimator.initialTimeout
        let threshold = max(max(smoothed, roundTrip.latest) * 9 / 8, smoothed + 4 * roundTrip.variation)
        return max(threshold, RoundTripEstimator.clockGranularity)
    }

    /// Counts the packets declared lost that can no longer be acknowledged (see
    /// ``SentPacketLedger/dropResolved(lossHorizon:reachHorizon:)``) as lost for good.
    mutating func resolveLosses(horizon: NetInstant, reachHorizon: NetInstant) {
        let lost = ledger.dropResolved(lossHorizon: horizon, reachHorizon: reachHorizon)
        guard lost > 0 else { return }
        counters.packetsLost += lost
        for _ in 0..<lost { sentLossAverage += (1 - sentLossAverage) * ReceivedPacketWindow.lossSmoothing }
    }

    mutating func declareLost(_ packet: SentPacketLedger.Record, now: NetInstant) {
        congestion.onLost(
            bytes: packet.bytes, sentAt: packet.sentAt, now: now, smoothedRoundTrip: roundTrip.smoothed,
            minimumRoundTrip: roundTrip.minimum)
        for piece in packet.pieces { lanes[Int(piece.channel)].reliableOut.markLost(piece) }
    }

    private mutating func expireReassemblies(now: NetInstant) {
        guard mayHoldAssemblies else { return }
        var holding = false
        for lane in lanes.indices where lanes[lane].unreliableIn != nil {
            guard let (count, freed) = lanes[lane].unreliableIn?.expire(now: now) else { continue }
            if lanes[lane].unreliableIn?.isAssembling == true { holding = true }
            guard count > 0 else { continue }
            drops.unreliableReassemblyTimeouts += count
            bufferedBytes -= freed
        }
        mayHoldAssemblies = holding
    }

    /// Bounds the work and the burst of one call; at 1,172 bytes, 256 payloads are 300 KB,
    /// 18 MB/s at 60 calls a second.
    static let maxPayloadsPerCall = 256
    /// RFC 9002 §6.1.1's kPacketThreshold, TCP's three duplicate acks (RFC 5681 §3.2).
    static let initialPacketThreshold: Int64 = 3
    /// The packet threshold grows no further: a path reordering deeper than the receiver's
    /// window is left to the time threshold.
    static let maxPacketThreshold = SentPacketLedger.ackReach
    /// A packet declared lost is given this many retransmission timeouts for a late ack
    /// before its loss is counted (the sequence rule usually settles it first).
    static let lossResolutionTimeouts: Int64 = 4
}
