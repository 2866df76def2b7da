import NetplayBase

/// The receiving half of a reliable channel: places each piece by message number in a
/// window of ``window`` slots, suppresses duplicates, reassembles fragments and releases
/// messages — in order, or as soon as complete on an unordered channel.
package struct ReliableReceiveChannel: Sendable {
    private enum Slot: Sendable {
        case empty
        case partial(FragmentAssembly)
        /// Complete, waiting for an earlier message (ordered channels).
        case complete([UInt8])
        /// Already delivered, remembered for duplicate suppression (unordered channels).
        case delivered

        var isEmpty: Bool {
            if case .empty = self { return true }
            return false
        }
    }

    /// What a piece would do, decided before anything changes.
    package enum Assessment: Sendable, Equatable {
        /// Already have it: acknowledge and ignore.
        case duplicate
        /// New: `Int64` is its full message number, `Int` the bytes it adds to the buffer.
        case accept(Int64, Int)
        /// Beyond the window; a correct sender never does this.
        case outOfWindow
    }

    package let ordered: Bool
    /// Ordered: the next number to deliver. Unordered: the lowest number not yet delivered.
    package private(set) var base: Int64 = 0
    /// The messages from `base` on that cannot be released yet, each at its full number
    /// modulo the ring's count. No array while none waits, so an idle or in-order channel
    /// costs no window memory (a preallocated 1,024-slot array per reliable channel made up
    /// most of the 85 KiB an idle connection used to cost); then a power of two, grown to the
    /// farthest message held, at most ``window``, and freed when the last one leaves. Its
    /// bytes are charged to the receive budget with the messages' (``assess(_:)`` counts a
    /// growth, ``insert(_:in:full:limit:now:channel:released:)`` returns it): one message a
    /// window ahead makes a ring of the whole window (160 KiB: 4,096 slots of 40 bytes), which
    /// a peer must not get for free. A ring, not the dictionary it was: a fragment looked its
    /// message up three times, and hashing the number cost some 700 instructions a fragment
    /// of a bulk transfer.
    private var ring: [Slot] = []
    /// Slots of `ring` not empty.
    private var occupiedCount = 0
    /// The ring's slots, for tests: 0 while no message waits.
    var windowSlots: Int { ring.count }

    /// The slot of message `full` (at least `base`, below `base + window`).
    private subscript(slot full: Int64) -> Slot {
        get {
            guard full >= base, full - base < Int64(ring.count) else { return .empty }
            return ring[Int(full & Int64(ring.count - 1))]
        }
        set {
            if full - base >= Int64(ring.count) {
                if newValue.isEmpty { return }
                grow(toHold: full)
            }
            let index = Int(full & Int64(ring.count - 1))
            occupiedCount += (newValue.isEmpty ? 0 : 1) - (ring[index].isEmpty ? 0 : 1)
            ring[index] = newValue
            if occupiedCount == 0 { ring = [] }
        }
    }

    /// The ring's count once it holds message `full`.
    private func ringCount(toHold full: Int64) -> Int {
        Self.ringCount(toHold: full - base, growing: ring.count)
    }

    /// The count a ring of `count` slots has once it holds the message `distance` past the
    /// oldest undelivered one: its own while that fits, else a power of two, at least
    /// ``smallestRing``, at most ``window``.
    private static func ringCount(toHold distance: Int64, growing count: Int) -> Int {
        guard distance >= Int64(count) else { return count }
        // The common case, asked for most messages of a payload before the first is released.
        if distance < Int64(smallestRing) { return smallestRing }
        var grown = max(count, smallestRing)
        while Int64(grown) <= distance { grown *= 2 }
        return min(grown, window)
    }

    /// What the ring is charged while it holds `messages` messages from the oldest
    /// undelivered one on: what a peer that starts that many reassemblies makes a receiver
    /// hold besides them (`netplay attack reassembly` reports it).
    package static func ringBytes(holding messages: Int) -> Int {
        messages > 0 ? ringBytes(count: ringCount(toHold: Int64(messages - 1), growing: 0)) : 0
    }

    /// What a ring of `count` slots holds of the heap, as charged: its slots and the array's
    /// header.
    package static func ringBytes(count: Int) -> Int {
        count == 0 ? 0 : arrayHeaderBytes + count * MemoryLayout<Slot>.stride
    }

    private static let arrayHeaderBytes = 32

    /// Makes the ring large enough to hold message `full`, moving every held message to its
    /// place in the larger ring (a slot's place depends on the ring's count).
    private mutating func grow(toHold full: Int64) {
        let count = ringCount(toHold: full)
        var grown = [Slot](repeating: .empty, count: count)
        if !ring.isEmpty {
            for offset in 0..<Int64(ring.count) {
                let held = base + offset
                swap(&grown[Int(held & Int64(count - 1))], &ring[Int(held & Int64(ring.count - 1))])
            }
        }
        ring = grown
    }

    package init(ordered: Bool) { self.ordered = ordered }

    /// `mutating` only so that `lanes[lane].reliableIn?.assess(entry)` reads the channel in
    /// place: a non-mutating call through the optional copied it first (its table retained
    /// and released, per message received); it changes nothing.
    mutating func assess(_ entry: ChannelEntry) -> Assessment {
        let full = WrappingSequence.extend(entry.messageID, near: base)
        if full < base { return .duplicate }
        guard full < base + Int64(Self.window) else { return .outOfWindow }
        switch self[slot: full] {
        case .complete, .delivered:
            return .duplicate
        case .partial(let assembly):
            guard let fragment = entry.fragment, fragment.count == assembly.count, !assembly.has(fragment.index) else {
                return .duplicate
            }
            return .accept(full, FragmentAssembly.pieceBytes(entry.byteCount))
        case .empty:
            // Released at once, it is never held: the ring does not grow for it.
            let growth =
                isReleasedAtOnce(entry, full: full)
                ? 0 : Self.ringBytes(count: ringCount(toHold: full)) - Self.ringBytes(count: ring.count)
            guard let fragment = entry.fragment else { return .accept(full, entry.byteCount + growth) }
            return .accept(
                full,
                FragmentAssembly.startBytes(count: fragment.count) + FragmentAssembly.pieceBytes(entry.byteCount)
                    + growth)
        }
    }

    /// Stores a piece assessed as `.accept(full, _)`, its bytes read from `payload`, the
    /// payload that carried it; appends released messages to
    /// `released`, as delivered on `channel`. Returns the change in buffered bytes (the ring's
    /// growth or release included), and whether the piece was refused as inconsistent (a
    /// fragment count that disagrees, or a message over `limit`).
    package mutating func insert(
        _ entry: ChannelEntry, in payload: [UInt8], full: Int64, limit: Int, now: NetInstant, channel: ChannelID,
        released: inout [DeliveredMessage]
    ) -> (delta: Int, refused: Bool) {
        let ringBefore = Self.ringBytes(count: ring.count)
        let (delta, refused) = place(
            entry, in: payload, full: full, limit: limit, now: now, channel: channel, released: &released)
        return (delta + Self.ringBytes(count: ring.count) - ringBefore, refused)
    }

    /// ``insert(_:in:full:limit:now:channel:released:)`` of a piece whose payload was
    /// admitted, unless the pieces before it in that payload made it a duplicate (nil): a
    /// peer may repeat a piece within one payload. The next whole message with nothing
    /// waiting, the steady state, cannot be one, and skips its second ``assess(_:)``.
    package mutating func insertIfNew(
        _ entry: ChannelEntry, in payload: [UInt8], limit: Int, now: NetInstant, channel: ChannelID,
        released: inout [DeliveredMessage]
    ) -> (delta: Int, refused: Bool)? {
        var full = WrappingSequence.extend(entry.messageID, near: base)
        if !isReleasedAtOnce(entry, full: full) {
            guard case .accept(let assessed, _) = assess(entry) else { return nil }
            full = assessed
        }
        return insert(entry, in: payload, full: full, limit: limit, now: now, channel: channel, released: &released)
    }

    /// Whether `entry`, message `full`, is the next whole message with nothing waiting (the
    /// steady state): released at once by ``insert(_:in:full:limit:now:channel:released:)``,
    /// never held in the ring, and never a duplicate.
    private func isReleasedAtOnce(_ entry: ChannelEntry, full: Int64) -> Bool {
        entry.fragment == nil && full == base && occupiedCount == 0
    }

    /// ``insert(_:in:full:limit:now:channel:released:)`` without the ring's bytes.
    private mutating func place(
        _ entry: ChannelEntry, in payload: [UInt8], full: Int64, limit: Int, now: NetInstant, channel: ChannelID,
        released: inout [DeliveredMessage]
    ) -> (delta: Int, refused: Bool) {
        var delta = 0
        if let fragment = entry.fragment {
            var assembly: FragmentAssembly
            let takenOut: Bool
            switch self[slot: full] {
            case .partial:
                // Taken out of the table, not copied: a copy would share its pieces with the
                // table's, and the insert below would copy all of them (each fragment of a
                // 1 MiB message copied every piece before it, O(n²) retains per message).
                assembly = takePartial(at: full)
                takenOut = true
                delta -= assembly.footprint
            case .empty:
                assembly = FragmentAssembly(count: fragment.count, startedAt: now)
                takenOut = false
            case .complete, .delivered:
                return (0, false)
            }
            guard fragment.count == assembly.count, assembly.byteCount + entry.byteCount <= limit,
                assembly.insert(fragment.index, bytes: payload[entry.range])
            else {
                let inconsistent = fragment.count != assembly.count || assembly.byteCount + entry.byteCount > limit
                // Refused pieces change nothing: an assembly taken out goes back as it was.
                if takenOut { self[slot: full] = .partial(assembly) }
                return (0, inconsistent)
            }
            if assembly.isComplete {
                let message = assembly.assembled()
                delta += message.count
                self[slot: full] = .complete(message)
            } else {
                delta += assembly.footprint
                self[slot: full] = .partial(assembly)
                return (delta, false)
            }
        } else if isReleasedAtOnce(entry, full: full) {
            // Delivered without a round trip through the window's table, and read where it
            // lies in its payload.
            released.append(DeliveredMessage(channel: channel, bytes: payload[entry.range]))
            base += 1
            return (entry.byteCount, false)
        } else {
            guard case .empty = self[slot: full] else { return (0, false) }
            self[slot: full] = .complete(Array(payload[entry.range]))
            delta += entry.byteCount
        }
        release(from: full, channel: channel, into: &released)
        return (delta, false)
    }

    /// Removes the partial message `full` from the ring and returns it, uniquely held.
    private mutating func takePartial(at full: Int64) -> FragmentAssembly {
        var taken = Slot.empty
        swap(&taken, &ring[Int(full & Int64(ring.count - 1))])
        guard case .partial(let assembly) = taken else {
            preconditionFailure("takePartial is called only on a partial slot")
        }
        occupiedCount -= 1
        return assembly
    }

    private mutating func release(from full: Int64, channel: ChannelID, into released: inout [DeliveredMessage]) {
        if !ordered, case .complete(let message) = self[slot: full] {
            released.append(DeliveredMessage(channel: channel, bytes: message))
            self[slot: full] = .delivered
        }
        while true {
            switch self[slot: base] {
            case .complete(let message) where ordered:
                released.append(DeliveredMessage(channel: channel, bytes: message))
            case .delivered where !ordered:
                break
            default:
                return
            }
            self[slot: base] = .empty
            base += 1
        }
    }

    /// The ring's count when it is first needed.
    static let smallestRing = 8

    /// 4,096 messages in flight per channel: a stream of small messages keeps its link busy
    /// while the acknowledgements of the first ones travel, and a 16-bit number is still never
    /// misread, whatever a peer sends. A payload is read only within 256 packets of the newest
    /// (older ones are stale), and a reliable entry takes at least six bytes (no reliable
    /// message is empty: the decoder refuses one), so 255 payloads of at most
    /// ``ChannelConfig/maximumPayloadBytes`` carry at most 255 × 207 = 52,785 new numbers. A
    /// number read is at most `window + 52,785` = 56,881 behind the receiver's oldest
    /// undelivered one, and taken for one ahead only past `65,536 − window` = 61,440
    /// (docs/PROTOCOL.md §5). It was 1,024, with empty messages allowed, until a loopback
    /// stream of 16-byte messages, 17 payloads a window, was measured waiting on it: 2
    /// million messages took 0.70 s against 0.79 on the network thread and 0.47 against 0.60
    /// on the game thread (medians of five, side by side; 2,048 gave 0.75 and 0.48). Only
    /// messages held out of order occupy the window's ring, charged to the receive budget.
    package static let window = 4096
}
