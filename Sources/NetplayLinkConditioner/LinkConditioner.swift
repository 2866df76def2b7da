import NetplayBase

/// A datagram the ``LinkConditioner`` lets through, and when it arrives.
package struct ScheduledDelivery: Sendable, Hashable {
    /// When the datagram reaches the far end.
    package var deliverAt: NetInstant
    /// The bytes that arrive (possibly corrupted).
    package var bytes: [UInt8]

    /// Creates a delivery.
    package init(deliverAt: NetInstant, bytes: [UInt8]) {
        self.deliverAt = deliverAt
        self.bytes = bytes
    }
}

/// A simulated bad network for one direction of a link: given a datagram and the time it was
/// sent, decides whether, when, how often and how damaged it arrives.
///
/// A pure value: no clock, no threads, no I/O. The caller passes `now` and schedules the
/// returned deliveries itself (``MemoryNetwork`` in virtual time, ``UDPDriver`` on its event
/// loop). Every decision comes from a seeded generator, so the same seed and the same
/// submissions always give the same schedule — a failing soak run can be replayed exactly.
///
/// Stages, in the order a datagram meets them on a real path: the bandwidth bottleneck queue
/// (a datagram dropped there costs no link time; one lost later still used it), burst loss,
/// independent loss, corruption, duplication, then delay (latency, jitter, reordering).
package struct LinkConditioner: Sendable {
    /// What the conditioner has done so far.
    package struct Counters: Sendable, Hashable {
        /// Datagrams handed to ``LinkConditioner/submit(_:now:)``.
        package var submitted = 0
        /// Copies scheduled for delivery (duplicates included).
        package var delivered = 0
        /// Datagrams lost to independent random loss.
        package var droppedByLoss = 0
        /// Datagrams lost inside a loss burst.
        package var droppedByBurst = 0
        /// Datagrams dropped because the bottleneck queue was full.
        package var droppedByBandwidth = 0
        /// Extra copies made.
        package var duplicated = 0
        /// Datagrams with a flipped bit.
        package var corrupted = 0
        /// Datagrams held back so that later ones may overtake them.
        package var reordered = 0

        /// All drops, whatever the reason.
        package var dropped: Int { droppedByLoss + droppedByBurst + droppedByBandwidth }

        package init() {}
    }

    /// The current conditions; change them at any time, they apply from the next datagram.
    package var impairment: LinkImpairment
    /// What has happened so far.
    package private(set) var counters = Counters()

    private var random: DeterministicRandom
    /// Whether the Gilbert–Elliott chain is in its bad (losing) state.
    private var inLossBurst = false
    /// When the bottleneck finishes sending everything queued so far.
    private var bottleneckFreeAt = NetInstant.zero

    /// Creates a conditioner; `seed` fixes every random decision it will make.
    package init(impairment: LinkImpairment = .perfect, seed: UInt64) {
        self.impairment = impairment
        self.random = DeterministicRandom(seed: seed)
    }

    /// Sends `bytes` through the simulated link at `now`: returns nothing if it is lost, one
    /// delivery normally, two if duplicated. Deliveries are never earlier than `now`, but may
    /// be out of order with those of earlier submissions.
    package mutating func submit(_ bytes: [UInt8], now: NetInstant) -> [ScheduledDelivery] {
        counters.submitted += 1
        guard let departure = passBottleneck(byteCount: bytes.count, now: now) else {
            counters.droppedByBandwidth += 1
            return []
        }
        if advanceBurstChain() {
            counters.droppedByBurst += 1
            return []
        }
        if random.chance(impairment.lossProbability) {
            counters.droppedByLoss += 1
            return []
        }
        var payload = bytes
        if !payload.isEmpty, random.chance(impairment.corruptionProbability) {
            let bit = Int(random.next(upperBound: UInt64(payload.count * 8)))
            payload[bit / 8] ^= 1 << UInt8(bit % 8)
            counters.corrupted += 1
        }
        var deliveries = [ScheduledDelivery(deliverAt: arrival(departingAt: departure, sentAt: now), bytes: payload)]
        if random.chance(impairment.duplicationProbability) {
            counters.duplicated += 1
            deliveries.append(
                ScheduledDelivery(deliverAt: arrival(departingAt: departure, sentAt: now), bytes: payload))
        }
        counters.delivered += deliveries.count
        return deliveries
    }

    /// Queues the datagram at the bottleneck; returns when its last bit leaves, or `nil` if the
    /// wait would exceed the queue's cap.
    private mutating func passBottleneck(byteCount: Int, now: NetInstant) -> NetInstant? {
        guard let cap = impairment.bandwidth else { return now }
        let startsAt = max(now, bottleneckFreeAt)
        if startsAt - now > cap.maxQueueDelay { return nil }
        let bitsPerSecond = Int64(max(cap.bitsPerSecond, 1))
        let transmission = Int64(byteCount) * Self.bitsPerByte * Self.nanosecondsPerSecond / bitsPerSecond
        bottleneckFreeAt = startsAt + .nanoseconds(transmission)
        return bottleneckFreeAt
    }

    /// Steps the Gilbert–Elliott chain for one datagram; returns whether that datagram is lost.
    private mutating func advanceBurstChain() -> Bool {
        guard let burst = impairment.burstLoss else {
            inLossBurst = false
            return false
        }
        if !inLossBurst {
            inLossBurst = random.chance(burst.entryProbability)
            guard inLossBurst else { return false }
        }
        // Leaving with chance 1/L after each lost datagram makes the run length geometric
        // with mean L, counting the datagram that started the burst.
        if random.chance(1 / max(burst.meanBurstLength, 1)) { inLossBurst = false }
        return true
    }

    /// When a copy that leaves the bottleneck at `departure` reaches the far end.
    private mutating func arrival(departingAt departure: NetInstant, sentAt now: NetInstant) -> NetInstant {
        var delay = max(impairment.latency.nanosecondsClamped, 0)
        let jitter = max(impairment.jitter.nanosecondsClamped, 0)
        if jitter > 0 {
            let offset: Double
            switch impairment.jitterDistribution {
            case .uniform:
                offset = random.nextUnitInterval() * 2 - 1
            case .normal:
                offset = min(max(random.nextStandardNormal() / Self.normalSpreadInSigmas, -1), 1)
            }
            delay += Int64(offset * Double(jitter))
        }
        if let reordering = impairment.reordering, random.chance(reordering.probability) {
            counters.reordered += 1
            delay += max(reordering.extraDelay.nanosecondsClamped, 0)
        }
        return max(departure + .nanoseconds(delay), now)
    }

    private static let bitsPerByte: Int64 = 8
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000
    /// `jitter` spans this many standard deviations of the normal shape (±3σ holds 99.7 %).
    private static let normalSpreadInSigmas = 3.0
}
