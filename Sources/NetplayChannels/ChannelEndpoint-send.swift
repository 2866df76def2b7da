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
        while payloads.count < Self.maxPayloadsPerCall, let owed = received.newestUncovered {
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
        received.markCovered(acknowledging: ack)
        congestion.onSent(bytes: writer.byteCount)
        pacer.spend(bytes: writer.byteCount)
        sentRate.record(bytes: writer.byteCount, now: now)
        return writer.bytes
    }

    private mutating func makeAckPayload(acknowledging ack: Int64, now: NetInstant) -> [UInt8] {
        // Ack-only payloads are tracked too (to keep sequence → record O(1)); behind a
        // packet stuck in flight they could outgrow the ledger, so give that packet up.
        while !ledger.hasRoom, let oldest = ledger.declareOldestLost() { declareLost(oldest, now: now) }
        let (ackField, ackBits) = received.header(acknowledging: ack)
        let writer = PayloadWriter(
            header: PayloadHeader(sequence: ledger.upcomingSequence, ack: ackField, ackBits: ackBits),
            capacity: geometry.payloadBytes
        )
        _ = ledger.record(SentPacketLedger.Record(sentAt: now, bytes: writer.byteCount, pieces: [], inFlight: false))
        received.markCovered(acknowledging: ack)
        pacer.spend(bytes: writer.byteCount)
        sentRate.record(bytes: writer.byteCount, now: now)
        return writer.bytes
    }

    /// Declares lost every packet unacknowledged for a retransmission timeout, oldest first,
    /// and queues its reliable pieces for resending. Time-based only (no packet-count
    /// threshold): with jitter the peer's arrival order is not the send order, and the
    /// timeout already includes four deviations of the measured round trip.
    mutating func detectLosses(now: NetInstant) {
        var timedOut = false
        while let oldest = ledger.oldestInFlight,
            (now - oldest.sentAt).nanosecondsClamped >= roundTrip.retransmissionTimeout
        {
            _ = ledger.declareOldestLost()
            timedOut = true
            declareLost(oldest, now: now)
        }
        if timedOut { roundTrip.noteTimeout() }
    }

    private mutating func declareLost(_ packet: SentPacketLedger.Record, now: NetInstant) {
        counters.packetsLost += 1
        sentLossAverage += (1 - sentLossAverage) * ReceivedPacketWindow.lossSmoothing
        congestion.onLost(bytes: packet.bytes, sentAt: packet.sentAt, now: now)
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
}
