import NetplayBase

/// Building payloads: loss detection, then messages within the congestion and pacing
/// budget, then acknowledgements still owed.
extension ChannelEndpoint {
    /// The payloads to hand to the connection now, each at most
    /// ``ChannelConfig/maxPayloadBytes``: resends and new messages while the congestion
    /// window and bandwidth cap allow, then ack-only payloads for any received packet not
    /// yet acknowledged.
    package mutating func makePayloads(now: NetInstant) -> [[UInt8]] {
        lastNow = max(lastNow, now)
        detectLosses(now: now)
        expireReassemblies(now: now)
        sentRate.roll(now: now)
        receivedRate.roll(now: now)
        pacer.refill(now: now)
        var payloads: [[UInt8]] = []
        while payloads.count < Self.maxPayloadsPerCall, hasSendableData, pacer.canSend {
            guard ledger.hasRoom, congestion.canSend else { break }
            guard let payload = makeDataPayload(now: now) else { break }
            payloads.append(payload)
        }
        while payloads.count < Self.maxPayloadsPerCall, let owed = received.newestOwed(now: now) {
            payloads.append(makeAckPayload(acknowledging: owed, now: now))
        }
        return payloads
    }

    private mutating func makeDataPayload(now: NetInstant) -> [UInt8]? {
        let ack = received.newest
        let (ackField, ackBits) = received.header(acknowledging: ack)
        var writer = PayloadWriter(
            header: PayloadHeader(sequence: ledger.upcomingSequence, ack: ackField, ackBits: ackBits),
            capacity: geometry.payloadBytes
        )
        var pieces: [PieceReference] = []
        for step in 0..<lanes.count {
            let lane = (firstLane + step) % lanes.count
            let channel = UInt8(lane)
            if lanes[lane].kind.isReliable {
                counters.resentPieces += lanes[lane].reliableOut.fill(
                    &writer, channel: channel, geometry: geometry, pieces: &pieces)
            } else {
                lanes[lane].unreliableOut.fill(&writer, channel: channel, geometry: geometry)
            }
        }
        firstLane = (firstLane + 1) % max(lanes.count, 1)
        guard writer.entryCount > 0 else { return nil }
        _ = ledger.record(SentPacketLedger.Record(sentAt: now, bytes: writer.byteCount, pieces: pieces, inFlight: true))
        if !pieces.isEmpty, unacknowledgedSince == nil { unacknowledgedSince = now }
        received.markCovered(acknowledging: ack, now: now)
        congestion.onSent(bytes: writer.byteCount)
        pacer.spend(bytes: writer.byteCount)
        sentRate.record(bytes: writer.byteCount, now: now)
        return writer.bytes
    }

    private mutating func makeAckPayload(acknowledging ack: Int64, now: NetInstant) -> [UInt8] {
        // Ack-only payloads are tracked too (to keep sequence → record O(1)); behind a
        // packet stuck in flight they could outgrow the ledger, so give that packet up.
        while !ledger.hasRoom, let oldest = ledger.declareOldestLost() { declareLost(oldest, now: now) }
        // Still full of packets declared lost and awaiting a late ack: count them lost now.
        if !ledger.hasRoom { resolveLosses(horizon: now + .nanoseconds(1)) }
        let (ackField, ackBits) = received.header(acknowledging: ack)
        let writer = PayloadWriter(
            header: PayloadHeader(sequence: ledger.upcomingSequence, ack: ackField, ackBits: ackBits),
            capacity: geometry.payloadBytes
        )
        _ = ledger.record(SentPacketLedger.Record(sentAt: now, bytes: writer.byteCount, pieces: [], inFlight: false))
        received.markCovered(acknowledging: ack, now: now)
        pacer.spend(bytes: writer.byteCount)
        sentRate.record(bytes: writer.byteCount, now: now)
        return writer.bytes
    }

    /// Loss detection (RFC 9002 §6): a packet sent before one the peer has acknowledged is
    /// lost once 9/8 of a round trip has passed since it was sent (the time threshold; no
    /// packet-count threshold, since with jitter the peer's arrival order is not the send
    /// order), and the oldest packet is lost when a whole retransmission timeout passes
    /// without its ack (which allows for the peer's ack delay). Reliable pieces of lost
    /// packets are queued for resending at once; the loss itself is only *counted* once no
    /// ack can name the packet any more, so a late ack (a busy machine, not a drop) is not
    /// reported as loss.
    mutating func detectLosses(now: NetInstant) {
        var lost: [SentPacketLedger.Record] = []
        let largestAcked = ledger.largestAcked
        if largestAcked >= 0, ledger.oldestInFlight.map({ $0.sequence < largestAcked }) == true {
            let delay = lossDelay
            ledger.declareLost(through: largestAcked - 1, into: &lost) { _, record in
                (now - record.sentAt).nanosecondsClamped >= delay
            }
        }
        for packet in lost { declareLost(packet, now: now) }
        var timedOut = false
        while let (_, oldest) = ledger.oldestInFlight,
            (now - oldest.sentAt).nanosecondsClamped >= roundTrip.retransmissionTimeout
        {
            _ = ledger.declareOldestLost()
            timedOut = true
            declareLost(oldest, now: now)
        }
        if timedOut { roundTrip.noteTimeout() }
        let patience = Self.lossResolutionTimeouts * roundTrip.retransmissionTimeout
        resolveLosses(horizon: NetInstant(nanoseconds: now.nanoseconds - patience))
    }

    /// The time threshold: 9/8 of the larger of the smoothed and latest round trip, at least
    /// the clock granularity (RFC 9002 §6.1.2).
    var lossDelay: Int64 {
        let roundTrip = max(roundTrip.smoothed ?? RoundTripEstimator.initialTimeout, roundTrip.latest)
        return max(roundTrip * 9 / 8, RoundTripEstimator.clockGranularity)
    }

    /// Counts the packets declared lost that can no longer be acknowledged (or were sent
    /// before `horizon`) as lost for good.
    mutating func resolveLosses(horizon: NetInstant) {
        let lost = ledger.dropResolved(lossHorizon: horizon)
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
        for lane in lanes.indices where lanes[lane].unreliableIn != nil {
            guard let (count, freed) = lanes[lane].unreliableIn?.expire(now: now), count > 0 else { continue }
            drops.unreliableReassemblyTimeouts += count
            bufferedBytes -= freed
        }
    }

    /// Bounds the work and the burst of one call; at 1,172 bytes, 256 payloads are 300 KB,
    /// 18 MB/s at 60 calls a second.
    static let maxPayloadsPerCall = 256
    /// A packet declared lost is given this many retransmission timeouts for a late ack
    /// before its loss is counted (the sequence rule usually settles it first).
    static let lossResolutionTimeouts: Int64 = 4
}
