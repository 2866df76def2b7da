import NetplayBase
import NetplayWire

/// The channel layer for one connected peer, on either side: it turns game messages into
/// connection payloads and payloads back into messages, with the delivery guarantee of each
/// message's channel.
///
/// A sans-I/O value, driven like reliable.io's `reliable_endpoint_update(endpoint, time)`:
/// the driver passes every payload from the connection to ``receive(_:now:)``, calls
/// ``makePayloads(now:)`` once a frame (or at ``nextWakeup``) and sends what it returns,
/// and collects messages with ``drainDelivered()``. It has no clock, no I/O and no threads.
///
/// ```swift
/// var channels = ChannelEndpoint(now: now)
/// try channels.enqueue(fireEvent, on: ChannelID(0), now: now)
/// for payload in channels.makePayloads(now: now) { connection.send(payload: payload) }
/// // on a payload event from the connection:
/// channels.receive(payload, now: now)
/// for message in channels.drainDelivered() { handle(message) }
/// ```
///
/// Every payload carries this layer's own 16-bit packet sequence, an ack and a 32-bit ack
/// bitfield (see docs/PROTOCOL.md §5); reliable pieces are resent when the packet carrying them is
/// unacknowledged for a retransmission timeout derived from the measured round trip, and
/// all sending stays within a congestion window and an optional bandwidth cap.
package struct ChannelEndpoint: Sendable {
    /// The settings and sizes, shared by every connection of a session (see ``ChannelSettings``).
    let settings: ChannelSettings
    package var config: ChannelConfig { settings.config }
    var geometry: ChannelGeometry { settings.geometry }
    /// One per channel of the layout, made on the first message sent or payload received
    /// (see ``materializeLanes()``): an idle peer holds none, which keeps a host with many
    /// quiet connections small.
    var lanes: [ChannelLane] = []
    var ledger = SentPacketLedger()
    package internal(set) var received = ReceivedPacketWindow()

    /// Whether the packets received owe their sender an acknowledgement at once because of
    /// the reliable data they carried (see ``ReceivedPacketWindow/owesPromptAcknowledgement``).
    /// `mutating` only so the endpoint is read where it lies, as ``awaitsAcknowledgement()``:
    /// a getter, called on a peer's state changed in place, copied the whole endpoint (some
    /// 600 bytes) first, for each payload received.
    package mutating func owesPromptAcknowledgement() -> Bool { received.owesPromptAcknowledgement }
    /// Whether packets sent wait for their acknowledgement (counted in the congestion window).
    package var hasPacketsInFlight: Bool { congestion.bytesInFlight > 0 }
    package internal(set) var roundTrip = RoundTripEstimator()
    var congestion: CongestionController
    var pacer: SendPacer
    var sentRate: RateMeter
    var receivedRate: RateMeter
    package var delivered: [DeliveredMessage] = []
    /// The entries of the payload being received; kept for its room.
    var entryScratch: [ChannelEntry] = []
    /// Bytes held for the peer: see ``ChannelConfig/maxReceiveBufferBytes``.
    package var bufferedBytes = 0
    /// What this end dropped, per reason. Kept in a box made at the first drop: a peer that
    /// behaves never drops anything, and a host held 96 bytes of zeros for each.
    package var drops: ChannelDropCounters {
        get { dropBox?.counters ?? ChannelDropCounters() }
        set {
            if isKnownUniquelyReferenced(&dropBox) {
                dropBox?.counters = newValue
            } else {
                dropBox = DropCounterBox(newValue)
            }
        }
    }
    private var dropBox: DropCounterBox?
    package var counters = ChannelStatistics.SendOutcomes()
    /// Exponentially weighted fraction of this end's packets that were declared lost.
    var sentLossAverage = 0.0
    /// The latest `now` seen, for ``nextWakeup``.
    var lastNow: NetInstant
    /// ``nextWakeup`` as the last ``makePayloads(now:pieceScratch:)`` or ``receive(_:now:)``
    /// left it, or long past once anything else has changed the endpoint since (a message
    /// queued, a resume): when a session must next make payloads here. A host reads it for every peer
    /// at every tick, where working ``nextWakeup`` out again cost some 2,000 instructions a
    /// peer, and makes payloads only for the peers due.
    package internal(set) var flushDue: NetInstant? = .zero
    /// Whether an unreliable channel may hold a partial message in reassembly: set when a
    /// fragment is buffered, cleared when an expiry pass finds none. Until one arrives (most
    /// games never fragment an unreliable message) the passes over the channels for expiries
    /// are skipped; they were some 350 instructions at each flush of a host's peer. Placed
    /// here, it takes the padding after `flushDue`: no byte more per peer.
    var mayHoldAssemblies = false
    /// The channel that fills the next payload first, rotated for fairness.
    var firstLane = 0
    /// Since when sent reliable data has waited with no piece of it acknowledged; nil while
    /// nothing reliable is outstanding. See ``isUnresponsive(now:after:)``.
    package internal(set) var unacknowledgedSince: NetInstant?
    /// Sequences a newer acknowledged packet must be ahead of an unacknowledged one for the
    /// latter to be lost (RFC 9002 §6.1.1's kPacketThreshold): starts at 3, and grows to the
    /// reordering the path has shown each time it declares a loss that an ack then takes
    /// back, as Linux TCP and RACK adapt theirs (RFC 8985 §6.2).
    var packetThreshold = ChannelEndpoint.initialPacketThreshold
    /// Packets sent before this are no round-trip samples when acknowledged; see ``resume(now:)``.
    var roundTripSamplesFrom: NetInstant?

    /// Creates the channel layer of a new connection.
    package init(config: ChannelConfig = ChannelConfig(), now: NetInstant) {
        self.init(settings: ChannelSettings(config), now: now)
    }

    /// Creates the channel layer of a new connection with settings other connections share.
    package init(settings: ChannelSettings, now: NetInstant) {
        self.settings = settings
        let geometry = settings.geometry
        let config = settings.config
        congestion = CongestionController(payloadBytes: geometry.payloadBytes)
        pacer = SendPacer(bitsPerSecond: config.bandwidthCap, payloadBytes: geometry.payloadBytes, now: now)
        sentRate = RateMeter(now: now)
        receivedRate = RateMeter(now: now)
        lastNow = now
    }

    /// Queues a message on `channel`. It leaves in a later ``makePayloads(now:)``.
    ///
    /// - Throws: ``ChannelSendError/unknownChannel(_:)`` if the layout has no such channel,
    ///   ``ChannelSendError/messageTooLarge(bytes:limit:)`` above the channel kind's limit,
    ///   ``ChannelSendError/emptyReliableMessage(_:)`` for no bytes on a reliable channel,
    ///   ``ChannelSendError/queueFull(_:)`` when the channel already holds
    ///   ``ChannelConfig/maxQueuedBytesPerChannel`` — the link or the peer is not keeping up.
    package mutating func enqueue(_ message: consuming MessageBytes, on channel: ChannelID, now: NetInstant)
        throws(ChannelSendError)
    {
        var message = message
        guard try enqueueIfRoom(taking: &message, on: channel, now: now) else { throw .queueFull(channel) }
    }

    /// ``enqueue(_:on:now:)`` of `message`'s bytes (held inline when they fit).
    package mutating func enqueue(_ message: [UInt8], on channel: ChannelID, now: NetInstant)
        throws(ChannelSendError)
    {
        try enqueue(MessageBytes(message), on: channel, now: now)
    }

    /// ``enqueue(_:on:now:)-(MessageBytes,_,_)``, answering `false` where that throws
    /// ``ChannelSendError/queueFull(_:)``: for a caller that retries a full channel often (a
    /// session's backlog, at every tick and read burst) and would rather ask than catch. The
    /// same checks in the same order, and the same marks on the endpoint (`lastNow`, a flush
    /// due) whether or not there was room.
    ///
    /// Queued, `message` is moved out of the caller's value, which is left with no bytes (see
    /// ``MessageBytes/take()``); left waiting or refused, it is left as it was.
    package mutating func enqueueIfRoom(taking message: inout MessageBytes, on channel: ChannelID, now: NetInstant)
        throws(ChannelSendError) -> Bool
    {
        lastNow = max(lastNow, now)
        flushDue = .zero
        guard let kind = config.layout.kind(of: channel) else { throw .unknownChannel(channel) }
        let limit = geometry.messageLimit(for: kind)
        guard message.count <= limit else { throw .messageTooLarge(bytes: message.count, limit: limit) }
        guard message.count > 0 || !kind.isReliable else { throw .emptyReliableMessage(channel) }
        let lane = Int(channel.index)
        materializeLanes()
        guard lanes[lane].queued.charge + message.queueCharge <= config.maxQueuedBytesPerChannel else { return false }
        if kind.isReliable {
            lanes[lane].reliableOut.enqueue(message.take(), geometry: geometry)
        } else {
            lanes[lane].unreliableOut.enqueue(message.take(), geometry: geometry)
        }
        return true
    }

    /// Whether `channel` now has room for a waiting message of `byteCount` bytes (its charge,
    /// ``MessageBytes/queueCharge``) and, besides, for a quarter of its capacity: enough freed
    /// for a retry of the messages waiting behind it to be worth its cost (a retry walks all
    /// of them).
    ///
    /// `mutating` only so the endpoint is read in place (see ``hasUnackedReliableData``).
    package mutating func hasRoomForBacklog(_ byteCount: Int, on channel: ChannelID) -> Bool {
        let lane = Int(channel.index)
        guard lane < lanes.count else { return true }
        let wanted = max(MessageBytes.queueCharge(forByteCount: byteCount), config.maxQueuedBytesPerChannel / 4)
        return lanes[lane].queued.charge + wanted <= config.maxQueuedBytesPerChannel
    }

    /// Reliable messages the other side has not acknowledged, per channel, oldest first: what
    /// a connection that is given up (its host left) still owes, for the next one to send.
    package var unacknowledgedReliable: [(channel: ChannelID, bytes: [UInt8])] {
        lanes.indices.flatMap { index in
            lanes[index].reliableOut.unacknowledged.map { (channel: ChannelID(UInt8(index)), bytes: $0) }
        }
    }

    /// Takes every message delivered since the last call, in delivery order.
    package mutating func drainDelivered() -> [DeliveredMessage] {
        guard !delivered.isEmpty else { return [] }
        let messages = delivered
        delivered = []
        bufferedBytes -= messages.reduce(0) { $0 + $1.bytes.count }
        return messages
    }

    /// Moves every message delivered since the last call into `buffer` (emptied first), in
    /// delivery order. The two arrays trade storage, so a caller that reuses its buffer and
    /// empties it keeping capacity allocates nothing here.
    package mutating func drainDelivered(into buffer: inout [DeliveredMessage]) {
        buffer.empty()
        guard !delivered.isEmpty else { return }
        swap(&buffer, &delivered)
        for index in buffer.indices { bufferedBytes -= buffer[index].bytes.count }
    }

    /// Whether some reliable message is not yet acknowledged; a graceful close waits for this
    /// to become `false` (or for a timeout).
    ///
    /// Inlined, and ``awaitsAcknowledgement()`` for other modules: a call from code holding the
    /// endpoint `inout` (a peer's state changed in place, this endpoint's own mutating methods)
    /// copied all of it first (705 bytes then, some 600 now), several times a round trip.
    @inline(__always)
    package var hasUnackedReliableData: Bool {
        // Loops over indices rather than `contains(where:)`: unspecialized (debug builds), the
        // generic call copies each lane into a heap buffer, allocations per tick.
        for index in lanes.indices where lanes[index].kind.isReliable && !lanes[index].reliableOut.isEmpty {
            return true
        }
        return false
    }

    /// The earliest time ``makePayloads(now:)`` has work — an acknowledgement owed, data the
    /// budget allows, a pacing slot, a retransmission timeout or a reassembly timeout — or
    /// `nil` if it has none until something is received or enqueued.
    ///
    /// Inlined: called from ``makePayloads(now:)``, a call copied the whole endpoint (see
    /// ``hasUnackedReliableData``).
    @inline(__always)
    package var nextWakeup: NetInstant? {
        var wake: NetInstant?
        wake.keepEarliest(received.firstNamingDue)
        wake.keepEarliest(received.secondNamingDue)
        if hasSendableData, ledger.hasRoom, congestion.canSend { wake.keepEarliest(pacer.readyAt ?? lastNow) }
        if let oldest = ledger.oldestInFlight {
            let sequence = oldest.sequence
            wake.keepEarliest(
                ledger.earliestTimeout(
                    fromOldestInFlight: sequence, prompt: roundTrip.retransmissionTimeout,
                    relaxed: roundTrip.relaxedRetransmissionTimeout))
            if ledger.largestAckedOrdinal - oldest.ordinal >= packetThreshold {
                wake.keepEarliest(lastNow)
            } else if sequence < ledger.largestAcked {
                wake.keepEarliest(oldest.sentAt + .nanoseconds(lossDelay))
            }
        }
        // When `detectLosses` settles a declared loss. With nothing in flight, nothing else would
        // wake the sender for it: the loss went uncounted, and a ledger full of records behind
        // it sent nothing, until a datagram or the timer's longest sleep came.
        let patience = settlementPatience
        wake.keepEarliest(ledger.settlementDue(lossPatience: patience.loss, reachPatience: patience.reach))
        // By index: unspecialized (debug builds), `IndexingIterator.next()` allocates per lane.
        if mayHoldAssemblies {
            for index in lanes.indices { wake.keepEarliest(lanes[index].unreliableIn?.nextExpiry) }
        }
        return wake
    }

    /// ``hasUnackedReliableData`` for code in other modules that holds the endpoint `inout`:
    /// `mutating` only so the endpoint is read where it lies (it changes nothing).
    package mutating func awaitsAcknowledgement() -> Bool { hasUnackedReliableData }

    /// Makes the lanes if this is the first traffic of the connection.
    mutating func materializeLanes() {
        guard lanes.isEmpty, !config.layout.kinds.isEmpty else { return }
        lanes = config.layout.kinds.map(ChannelLane.init(kind:))
    }

    /// Inlined: called from mutating code, a call copied the whole endpoint (see
    /// ``hasUnackedReliableData``).
    @inline(__always)
    var hasSendableData: Bool {
        for index in lanes.indices where lanes[index].hasSendable { return true }
        return false
    }
}

/// ``ChannelEndpoint/drops``' storage, written in place only while one endpoint holds it.
///
/// `@unchecked Sendable` is sound: the endpoint writes its box only after
/// `isKnownUniquelyReferenced` found it the sole holder (a copied endpoint makes a box of its
/// own before its first write), so a box reachable from two endpoints, and so from two
/// threads, is only ever read.
private final class DropCounterBox: @unchecked Sendable {
    var counters: ChannelDropCounters

    init(_ counters: ChannelDropCounters) { self.counters = counters }
}
