import NetplayBase

/// The peer's packet sequences this end has seen: duplicate and stale suppression, the ack
/// header for outgoing payloads, and the received-side loss estimate.
///
/// A ring of ``size`` slots indexed by sequence; a slot leaving the window is counted as lost
/// if it never arrived. Packets that carried messages must be acknowledged: each is
/// "uncovered" until a header naming it has been sent. The first naming waits for a header
/// going out anyway, but at most a hold its caller sets per ``AckNeed``: it is due at once
/// when ``namingAtOnceAfter`` packets with reliable entries wait for it,
/// ``relaxedNamingAtOnceAfter`` packets of any kind, or one arrived out of order (RFC 9000
/// §13.2), and every header says how long its `ack` was held, so the peer's round trip does
/// not grow by the wait. A packet with reliable entries is then owed a second naming, which
/// rides on the next header sent or is forced ``secondNamingDelay`` later.
package struct ReceivedPacketWindow: Sendable {
    /// How soon a received packet must be acknowledged (docs/PROTOCOL.md §5).
    package enum AckNeed: Sendable, Equatable {
        /// An ack-only packet: never acknowledged.
        case none
        /// Only unreliable entries: named once, within the peer's relaxed ack delay. Nothing
        /// is resent for it, so its ack only feeds the sender's round trip, window and loss
        /// figures, and can wait for a game's next snapshot (30 Hz is 33 ms apart) instead
        /// of leaving in an ack-only datagram between them.
        case relaxed
        /// Reliable entries: named twice, within the peer's max ack delay, since a late or
        /// lost ack makes the sender resend.
        case prompt
    }

    package enum Arrival: Sendable, Equatable {
        case new(Int64)
        case duplicate
        case stale
    }

    /// A slot: whether its sequence arrived, and how many headers must still name it (see
    /// ``coveringHeaders``), or ``relaxedUncovered``.
    fileprivate struct Slot: Sendable {
        var received = false
        var owed: UInt8 = 0
    }

    /// Empty until the first packet arrives (an idle peer never sends one), then ``size``
    /// slots. Nothing reads a slot before then: every read is of a sequence at most
    /// ``newest``, which is -1 until ``markReceived(_:needs:now:hold:)``.
    private var slots = SlotBits()

    /// Newest sequence received, or -1.
    package private(set) var newest: Int64 = -1
    /// When ``newest`` arrived: the start of the ack delay a header naming it reports.
    private var newestArrivedAt = NetInstant(nanoseconds: 0)
    /// Sequences no header has named yet.
    package private(set) var uncoveredCount = 0
    /// Those of them with reliable entries (``AckNeed/prompt``).
    private(set) var promptUncoveredCount = 0

    /// Whether enough packets with reliable entries wait for an acknowledgement that it is
    /// owed at once (their sender's reliable window waits on it).
    var owesPromptAcknowledgement: Bool { promptUncoveredCount >= Self.namingAtOnceAfter }
    /// When the first naming of the uncovered sequences falls due: `nil` while none is
    /// uncovered.
    package private(set) var firstNamingDue: NetInstant?
    /// Sequences named once and owed their second naming.
    private(set) var namedOnceCount = 0
    /// When the oldest sequence still owed its second naming was first named.
    private var namedOnceSince: NetInstant?
    /// Exponentially weighted fraction of sequences that never arrived.
    package private(set) var lossAverage = 0.0

    func classify(_ sequence: UInt16) -> Arrival {
        let full = WrappingSequence.extend(sequence, near: max(newest, 0))
        guard full >= 0, full > newest - Int64(Self.size) else { return .stale }
        if full <= newest, slots[Self.index(full)].received { return .duplicate }
        return .new(full)
    }

    /// Marks `sequence` (from ``classify(_:)``) received at `now`; if it must be acknowledged,
    /// its first naming falls due `hold` later at the latest.
    mutating func markReceived(_ sequence: Int64, needs need: AckNeed, now: NetInstant, hold: Duration = .zero) {
        slots.allocateIfNeeded()
        // Out of order: behind the newest, or past it with a gap. Its sender learns of the
        // gap (or that the late packet arrived after all) soonest from an ack sent now.
        let outOfOrder = newest >= 0 && sequence != newest + 1
        if sequence > newest {
            // Each sequence pushed out of the window is one loss-or-not sample. A far jump
            // clears at most the whole window.
            let first = max(newest + 1, sequence - Int64(Self.size) + 1)
            var evicted = first - Int64(Self.size)
            while evicted <= sequence - Int64(Self.size) {
                if evicted >= 0 { evict(Self.index(evicted)) }
                evicted += 1
            }
            for skipped in first..<sequence { slots[Self.index(skipped)] = Slot() }
            newest = sequence
            newestArrivedAt = now
        }
        let owed: UInt8
        switch need {
        case .none: owed = 0
        case .relaxed: owed = Self.relaxedUncovered
        case .prompt: owed = Self.coveringHeaders
        }
        slots[Self.index(sequence)] = Slot(received: true, owed: owed)
        guard need != .none else { return }
        uncoveredCount += 1
        if need == .prompt { promptUncoveredCount += 1 }
        let atOnce =
            outOfOrder || promptUncoveredCount >= Self.namingAtOnceAfter
            || uncoveredCount >= Self.relaxedNamingAtOnceAfter
        firstNamingDue.keepEarliest(atOnce ? now : now + hold)
    }

    private mutating func evict(_ index: Int) {
        let lost = slots[index].received ? 0.0 : 1.0
        lossAverage += (lost - lossAverage) * Self.lossSmoothing
        forget(owed: slots[index].owed)
        slots[index] = Slot()
    }

    /// The ack header acknowledging `ack` and the 32 sequences before it, sent at `now`: bit
    /// `i` set if sequence `ack - 1 - i` arrived (and is still in the window), and the ack
    /// delay if `ack` is the newest sequence (the only one whose arrival is kept).
    package func header(acknowledging ack: Int64, now: NetInstant) -> (ack: UInt16, bits: UInt32, delay: UInt16) {
        let delay =
            ack >= 0 && ack == newest
            ? PayloadHeader.ackDelayField(held: now - newestArrivedAt) : PayloadHeader.unknownAckDelay
        let (field, bits) = header(acknowledging: ack)
        return (field, bits, delay)
    }

    /// The ack and ack bits of ``header(acknowledging:now:)``.
    package func header(acknowledging ack: Int64) -> (ack: UInt16, bits: UInt32) {
        // Sequences below the window's oldest (or below zero) are not named: their slots
        // have been reused by newer sequences.
        let oldestInWindow = max(newest - Int64(Self.size) + 1, 0)
        let valid = PayloadHeader.ackBits(naming: ack - oldestInWindow)
        // Before anything arrived, -1 (0xFFFF) names no packet the peer has sent yet.
        return (WrappingSequence.truncate(ack), slots.arrivals(endingBelow: ack) & valid)
    }

    private mutating func forget(owed: UInt8) {
        switch owed {
        case Self.coveringHeaders: forgetUncovered(prompt: true)
        case Self.relaxedUncovered: forgetUncovered(prompt: false)
        case 1: forgetNamedOnce()
        default: break
        }
    }

    private mutating func forgetUncovered(prompt: Bool) {
        uncoveredCount -= 1
        if prompt { promptUncoveredCount -= 1 }
        if uncoveredCount == 0 { firstNamingDue = nil }
    }

    private mutating func forgetNamedOnce() {
        namedOnceCount -= 1
        if namedOnceCount == 0 { namedOnceSince = nil }
    }

    /// Records that a header for `ack` went out at `now`, naming it and the 32 before it.
    ///
    /// Newest first, and only until every owed sequence has been seen: in a steady exchange
    /// the one owed is the newest, and the walk over all 33 named slots was about 860
    /// instructions a header.
    mutating func markCovered(acknowledging ack: Int64, now: NetInstant) {
        var owedLeft = uncoveredCount + namedOnceCount
        let namedOnceBefore = namedOnceCount
        var secondNamings = 0
        let oldestNamed = max(ack - 32, newest - Int64(Self.size) + 1, 0)
        var sequence = ack
        while owedLeft > 0, sequence >= oldestNamed {
            defer { sequence -= 1 }
            let index = Self.index(sequence)
            let owed = slots[index].owed
            guard owed > 0 else { continue }
            owedLeft -= 1
            switch owed {
            case Self.relaxedUncovered:
                slots[index].owed = 0
                forgetUncovered(prompt: false)
            case Self.coveringHeaders:
                slots[index].owed = 1
                forgetUncovered(prompt: true)
                namedOnceCount += 1
            default:
                slots[index].owed = 0
                forgetNamedOnce()
                secondNamings += 1
            }
        }
        // The second-naming clock: if every sequence named once before has had its second
        // naming, those still owed one were first named now (or none is owed); otherwise the
        // oldest first naming still owed one is older, and its time stands. Set here, after
        // the walk: newest first, it can meet a first naming before the older second ones.
        if secondNamings == namedOnceBefore { namedOnceSince = namedOnceCount > 0 ? now : nil }
    }

    /// When the second naming of some sequence falls due (no header went out since its first).
    ///
    /// Due at once when more sequences wait for it than one header names: that is bulk
    /// traffic (over 1,600 payloads a second), which can slide the window past a sequence
    /// before the delay is up, and a sequence that leaves the window after one naming in a
    /// lost payload is never acknowledged and counted lost by its sender.
    var secondNamingDue: NetInstant? {
        guard let namedOnceSince else { return nil }
        return namedOnceCount > Self.sequencesPerHeader ? namedOnceSince : namedOnceSince + Self.secondNamingDelay
    }

    /// The received packet to name in an ack-only payload now, once a first or second naming
    /// is due: the newest if its header also names the newest one owed that naming (so the
    /// header can say how long it was held), else that one.
    func newestOwed(now: NetInstant) -> Int64? {
        let firstDue = firstNamingDue.map { $0 <= now } ?? false
        let secondDue = secondNamingDue.map { $0 <= now } ?? false
        guard firstDue || secondDue else { return nil }
        // Uncovered slots hold ``coveringHeaders`` or ``relaxedUncovered``, both at least 2.
        let wanted: UInt8 = secondDue ? 1 : Self.coveringHeaders
        var sequence = newest
        while sequence >= 0, sequence > newest - Int64(Self.size) {
            if slots[Self.index(sequence)].owed >= wanted {
                return newest - sequence < Int64(Self.sequencesPerHeader) ? newest : sequence
            }
            sequence -= 1
        }
        return nil
    }

    private static func index(_ sequence: Int64) -> Int { Int(sequence & Int64(size - 1)) }

    /// 256 sequences: eight ack bitfields of history, ample for reordering of a few hundred
    /// milliseconds at game packet rates; a power of two so the index is a mask.
    package static let size = 256
    /// Every sequence with reliable entries (``AckNeed/prompt``) is named by two headers, not
    /// one: one lost ack-only payload would otherwise leave up to 33 delivered packets
    /// unacknowledged for good, to be resent for nothing and counted as loss (at 1 % loss each
    /// way, that doubled the loss the sender saw). Two make it 1 % of 1 %.
    static let coveringHeaders: UInt8 = 2
    /// The owed-namings value of an uncovered ``AckNeed/relaxed`` sequence: one naming settles
    /// it. A lost one costs the peer no resend, only a loss it counts (later headers still
    /// name it while within their 33 sequences), so it is not worth a second ack-only payload.
    static let relaxedUncovered: UInt8 = 3
    /// Uncovered sequences with reliable entries that make the first naming due at once: every
    /// second packet, as QUIC and TCP acknowledge (RFC 9000 §13.2.2), so a sender's window
    /// keeps moving.
    static let namingAtOnceAfter = 2
    /// Uncovered sequences of any kind that make the first naming due at once: every fourth
    /// packet of an unreliable stream (ack decimation, as QUIC's ACK_FREQUENCY extension
    /// allows), while the two or three inputs a 60 Hz client sends between a host's 30 Hz
    /// snapshots wait for the snapshot. No more than the smallest congestion window (4
    /// payloads, `CongestionController.minimumPayloads`): a sender whose window holds fewer
    /// than this many full payloads would otherwise stall until the hold runs out.
    static let relaxedNamingAtOnceAfter = 4
    /// How long the second naming waits for a header going out anyway: longer than a 60 Hz
    /// frame (16.7 ms), so a game sending every frame carries it on data instead of an extra
    /// ack-only payload, and shorter than the 25 ms ack delay the peer allows
    /// (``RoundTripEstimator/peerMaxAckDelay``).
    static let secondNamingDelay = Duration.milliseconds(20)
    /// One header names its `ack` and the 32 sequences before it.
    static let sequencesPerHeader = 33
    /// Weight of one sample: the estimate spans about the last 128 packets.
    static let lossSmoothing = 1.0 / 128
}

/// The window's slots packed into bits: one word array of ``ReceivedPacketWindow/size`` arrival
/// bits, then two bits of owed namings per slot (0 ... ``ReceivedPacketWindow/coveringHeaders``,
/// or ``ReceivedPacketWindow/relaxedUncovered``):
/// 96 bytes for 256 slots where a `[Slot]` took 512, for every connection that ever received.
private struct SlotBits: Sendable {
    private static let arrivalWords = ReceivedPacketWindow.size / 64
    private static let owedWords = ReceivedPacketWindow.size / 32
    private var words: [UInt64] = []

    mutating func allocateIfNeeded() {
        if words.isEmpty { words = Array(repeating: 0, count: Self.arrivalWords + Self.owedWords) }
    }

    /// The arrival bits of the 32 slots of the sequences just below `end`, the newest (`end`
    /// - 1) in bit 0: the ack header's bitfield, read as a word or two and reversed, not slot
    /// by slot (an ack-only payload's header cost some 1,600 instructions slot by slot).
    func arrivals(endingBelow end: Int64) -> UInt32 {
        guard !words.isEmpty else { return 0 }
        let oldest = Int((end - 32) & Int64(ReceivedPacketWindow.size - 1))
        let word = oldest >> 6
        let offset = UInt64(oldest & 63)
        var window = words[word] >> offset
        // The 32 bits run into the next word (the ring's first after its last).
        if offset > 32 { window |= words[(word + 1) % Self.arrivalWords] << (64 - offset) }
        // Bit j is sequence `end - 32 + j`; the header wants `end - 1 - i` in bit i.
        return Self.reversed(UInt32(truncatingIfNeeded: window))
    }

    private static func reversed(_ value: UInt32) -> UInt32 {
        var bits = value
        bits = (bits >> 1) & 0x5555_5555 | (bits & 0x5555_5555) << 1
        bits = (bits >> 2) & 0x3333_3333 | (bits & 0x3333_3333) << 2
        bits = (bits >> 4) & 0x0F0F_0F0F | (bits & 0x0F0F_0F0F) << 4
        return bits.byteSwapped
    }

    subscript(index: Int) -> ReceivedPacketWindow.Slot {
        @inline(__always) get {
            let received = words[index >> 6] >> UInt64(index & 63) & 1 == 1
            let owed = words[Self.arrivalWords + index >> 5] >> UInt64((index & 31) * 2) & 3
            return ReceivedPacketWindow.Slot(received: received, owed: UInt8(owed))
        }
        @inline(__always) set {
            let arrivalBit: UInt64 = 1 << UInt64(index & 63)
            if newValue.received { words[index >> 6] |= arrivalBit } else { words[index >> 6] &= ~arrivalBit }
            let shift = UInt64((index & 31) * 2)
            let word = Self.arrivalWords + index >> 5
            words[word] = words[word] & ~(3 << shift) | UInt64(newValue.owed & 3) << shift
        }
    }
}
