import NetplayBase

/// A reliable piece a sent packet carried: what to resend if the packet is lost.
package struct PieceReference: Sendable, Hashable {
    package var channel: UInt8
    var messageID: Int64
    var fragment: Int
}

/// Every packet this end sent and has not yet resolved, in sequence order, so a 16-bit ack
/// maps to its record in O(1).
///
/// A packet declared lost stays on the ledger (no longer in flight) until no ack can name it
/// any more: if its ack turns up after all, the loss was spurious (a late ack on a busy
/// machine, not a drop), and the endpoint takes it back instead of reporting it.
package struct SentPacketLedger: Sendable {
    package struct Record: Sendable {
        package var sentAt: NetInstant
        package var bytes: Int
        var pieces: [PieceReference]
        /// Counted in the congestion window and awaiting its ack. Ack-only packets are never
        /// acknowledged by the peer, so they are born resolved.
        package var inFlight: Bool
        /// Packets with entries recorded before this one: the packet threshold counts these,
        /// not sequences, since ack-only payloads interleave with a game's data at any rate.
        var ordinal: Int64 = 0
        /// The rule that declared it lost, while not (yet) acknowledged after all.
        var lostBy: LossRule?
        /// Whether it carried only unreliable entries: its ack may be held up to the peer's
        /// relaxed ack delay (docs/PROTOCOL.md §5), not its max ack delay. Set when recorded:
        /// an acknowledged record's pieces are emptied.
        fileprivate(set) var isRelaxed = false
        /// Only an ack-only payload is as short as its header.
        var isAckOnly: Bool { bytes <= PayloadHeader.byteCount }
        /// Declared lost and not (yet) acknowledged after all.
        var declaredLost: Bool { lostBy != nil }
    }

    /// Why a packet was declared lost (RFC 9002 §6.1 and §6.2).
    enum LossRule: Sendable, Hashable {
        /// A packet enough sequences newer was acknowledged (§6.1.1).
        case packetThreshold
        /// A newer packet was acknowledged and the time threshold has passed (§6.1.2).
        case timeThreshold
        /// Nothing acknowledged it for a whole retransmission timeout, or the sender gave it up.
        case timeout
    }

    private var records = Backlog<Record>()
    /// Sequence of `records.first`.
    private var firstSequence: Int64 = 0
    /// Sequence the next packet gets.
    package private(set) var nextSequence: Int64 = 0
    /// The newest sequence the peer has acknowledged (-1: none yet).
    private(set) var largestAcked: Int64 = -1
    /// ``Record/ordinal`` of the newest packet the peer has acknowledged (-1: none yet).
    private(set) var largestAckedOrdinal: Int64 = -1
    /// Packets with entries recorded so far.
    private var recordedOrdinals: Int64 = 0

    /// Whether another packet may be tracked: the span must stay far below half the 16-bit
    /// space, or an ack could name two records.
    var hasRoom: Bool { records.count < Self.maxTrackedPackets }

    /// Records a sent packet; returns its wire sequence.
    package mutating func record(_ record: Record) -> UInt16 {
        var record = record
        record.ordinal = recordedOrdinals
        record.isRelaxed = record.pieces.isEmpty && !record.isAckOnly
        if record.inFlight { recordedOrdinals += 1 }
        records.append(record)
        defer { nextSequence += 1 }
        return WrappingSequence.truncate(nextSequence)
    }

    /// The sequence the next ``record(_:)`` will use.
    var upcomingSequence: UInt16 { WrappingSequence.truncate(nextSequence) }

    /// What an ack of a tracked packet resolved.
    struct Acknowledged {
        var record: Record
        /// The rule that had declared the packet lost: that loss was spurious.
        var lostBy: LossRule?
    }

    /// Resolves the packet `sequence` names, if it is awaiting an ack (in flight, or declared
    /// lost but still within reach of one).
    mutating func acknowledge(_ sequence: UInt16) -> Acknowledged? {
        let full = WrappingSequence.extend(sequence, near: nextSequence - 1)
        let offset = full - firstSequence
        guard offset >= 0, offset < Int64(records.count) else { return nil }
        guard records[Int(offset)].inFlight || records[Int(offset)].declaredLost else { return nil }
        let record = records.update(at: Int(offset)) { stored in
            let record = stored
            stored.inFlight = false
            stored.lostBy = nil
            stored.pieces = []
            return record
        }
        if full > largestAcked {
            largestAcked = full
            largestAckedOrdinal = record.ordinal
        }
        return Acknowledged(record: record, lostBy: record.lostBy)
    }

    /// The bits of an ack header for `ack` worth looking up: bit `i` names `ack - 1 - i`, and
    /// only sequences from the ledger's first on can still be acknowledged (the resolved
    /// prefix is dropped, so in a steady exchange that is one or two of the 32).
    func ackBitsMask(before ack: UInt16) -> UInt32 {
        PayloadHeader.ackBits(naming: WrappingSequence.extend(ack, near: nextSequence - 1) - firstSequence)
    }

    /// When the packet `sequence` names was sent and whether it was ack-only, if it is still
    /// on the ledger (in flight, resolved, or ack-only).
    func sentRecord(_ sequence: UInt16) -> (sentAt: NetInstant, isAckOnly: Bool, isRelaxed: Bool)? {
        let offset = WrappingSequence.extend(sequence, near: nextSequence - 1) - firstSequence
        guard offset >= 0, offset < Int64(records.count) else { return nil }
        let record = records[Int(offset)]
        return (record.sentAt, record.isAckOnly, record.isRelaxed)
    }

    /// The oldest packet still in flight, if any: its sequence, send time and ordinal. Not
    /// the record itself: copying its piece list (a retain, an outlined copy, a destroy) cost
    /// more than the search, several times a tick.
    var oldestInFlight: (sequence: Int64, sentAt: NetInstant, ordinal: Int64)? {
        for offset in 0..<records.count where records[offset].inFlight {
            return (firstSequence + Int64(offset), records[offset].sentAt, records[offset].ordinal)
        }
        return nil
    }

    /// When the first packet in flight times out, given the oldest in flight
    /// (``oldestInFlight``'s `sequence`): each after its own timeout, `prompt` nanoseconds for
    /// one with reliable entries and `relaxed` (never shorter) for one with only unreliable
    /// entries, whose ack the peer may hold longer.
    ///
    /// Packets are in send order, so the oldest of each kind decides; the scan stops at the
    /// first packet with reliable entries, or once no later packet could time out sooner.
    func earliestTimeout(fromOldestInFlight sequence: Int64, prompt: Int64, relaxed: Int64) -> NetInstant {
        let oldest = records[Int(sequence - firstSequence)]
        var earliest = oldest.sentAt + .nanoseconds(oldest.isRelaxed ? relaxed : prompt)
        guard oldest.isRelaxed else { return earliest }
        for offset in Int(sequence - firstSequence + 1)..<records.count where records[offset].inFlight {
            let record = records[offset]
            if record.sentAt + .nanoseconds(prompt) >= earliest { break }
            earliest = min(earliest, record.sentAt + .nanoseconds(record.isRelaxed ? relaxed : prompt))
            if !record.isRelaxed { break }
        }
        return earliest
    }

    /// Declares lost, oldest first, every packet in flight whose own timeout (as in
    /// ``earliestTimeout(fromOldestInFlight:prompt:relaxed:)``) has run out at `now`, appending each to `lost`:
    /// a packet with reliable entries is not held back by an older one without, whose ack
    /// may be held longer.
    mutating func declareTimedOut(now: NetInstant, prompt: Int64, relaxed: Int64, into lost: inout [Record]) {
        for offset in 0..<records.count where records[offset].inFlight {
            let elapsed = (now - records[offset].sentAt).nanosecondsClamped
            // Younger than the shorter timeout: so is every later packet.
            guard elapsed >= prompt else { return }
            guard elapsed >= (records[offset].isRelaxed ? relaxed : prompt) else { continue }
            lost.append(markLost(at: offset, by: .timeout))
        }
    }

    /// Takes the record at `offset` out of flight as lost by `rule`, and returns it.
    private mutating func markLost(at offset: Int, by rule: LossRule) -> Record {
        records.update(at: offset) { record in
            record.inFlight = false
            record.lostBy = rule
            return record
        }
    }

    /// When ``dropResolved(lossHorizon:reachHorizon:)``, with its horizons trailing the clock
    /// by `lossPatience` and `reachPatience` nanoseconds, next drops the packet declared lost
    /// that keeps the resolved records behind it on the ledger (the first record not yet
    /// resolved, if it is not in flight); nil if there is none. Until then nothing behind it
    /// leaves, and a full ledger sends nothing new.
    func settlementDue(lossPatience: Int64, reachPatience: Int64) -> NetInstant? {
        for offset in 0..<records.count {
            let record = records[offset]
            if record.inFlight { return nil }
            guard record.declaredLost else { continue }
            let patience = isBeyondReach(firstSequence + Int64(offset)) ? reachPatience : lossPatience
            // Horizons are exclusive: due a nanosecond after the patience has run out.
            return record.sentAt + .nanoseconds(patience + 1)
        }
        return nil
    }

    /// Declares lost every in-flight packet up to sequence `last` for which `rule` names a
    /// loss rule, oldest first, appending each to `lost`.
    mutating func declareLost(
        through last: Int64, into lost: inout [Record], by rule: (Int64, Record) -> LossRule?
    ) {
        var offset = 0
        while offset < records.count, firstSequence + Int64(offset) <= last {
            let sequence = firstSequence + Int64(offset)
            if records[offset].inFlight, let reason = rule(sequence, records[offset]) {
                lost.append(markLost(at: offset, by: reason))
            }
            offset += 1
        }
    }

    /// Declares the oldest in-flight packet lost (a timeout); returns it.
    mutating func declareOldestLost() -> Record? {
        guard let sequence = oldestInFlight?.sequence else { return nil }
        return markLost(at: Int(sequence - firstSequence), by: .timeout)
    }

    /// Drops the resolved prefix: acknowledged packets, ack-only packets, and packets declared
    /// lost that no ack can name any more — sent before `lossHorizon`, or more than
    /// ``ackReach`` below the newest ack *and* sent before `reachHorizon` (a header generated
    /// before the peer's window moved on may still be on its way, overtaken by newer ones).
    /// Returns how many of those were lost for good.
    mutating func dropResolved(lossHorizon: NetInstant, reachHorizon: NetInstant) -> Int {
        var lost = 0
        while let first = records.first {
            if first.inFlight { break }
            if first.declaredLost {
                let beyondReach = isBeyondReach(firstSequence) && first.sentAt < reachHorizon
                guard beyondReach || first.sentAt < lossHorizon else { break }
                lost += 1
            }
            records.popFirst()
            firstSequence += 1
        }
        return lost
    }

    /// Whether `sequence` is further below the newest acknowledged packet than any ack reaches.
    private func isBeyondReach(_ sequence: Int64) -> Bool { sequence < largestAcked - Self.ackReach }

    /// Tracked packets (in flight, awaiting resolution, or resolved behind one that is).
    var count: Int { records.count }

    /// At most this many packets are tracked at once (far below half of the 16-bit sequence
    /// space, so an ack names one record).
    static let maxTrackedPackets = 8192
    /// How far below its newest the peer still acknowledges a packet: its received-packet
    /// window (``ReceivedPacketWindow/size``).
    static let ackReach = Int64(ReceivedPacketWindow.size)
}
