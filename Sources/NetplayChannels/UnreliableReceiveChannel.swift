import NetplayBase

/// The receiving half of an unreliable or unreliable-sequenced channel.
///
/// Fragmented messages are reassembled in at most ``maxAssemblies`` slots; one that is not
/// complete within ``reassemblyTimeout`` is dropped whole — a lost fragment is never resent.
/// A sequenced channel delivers only messages newer than the newest it delivered.
package struct UnreliableReceiveChannel: Sendable {
    package enum Outcome: Sendable, Equatable {
        /// The message was appended to the caller's list (a slice of the payload that carried
        /// it, or a reassembled whole); its size in bytes. Appended there, not carried here: a
        /// slice in the outcome was retained, copied and released again on its way, some 70
        /// instructions a message.
        case delivered(byteCount: Int)
        case buffered
        /// Older than (or as old as) a message already delivered on a sequenced channel.
        case stale
        /// Inconsistent fragment header or over the size limit.
        case refused
    }

    private struct Slot: Sendable {
        var id: UInt16
        var assembly: FragmentAssembly
    }

    package let sequenced: Bool
    private var newestDelivered: UInt16?
    private var slots: [Slot] = []
    /// Assemblies dropped to make room for a newer one.
    package private(set) var evicted = 0

    package init(sequenced: Bool) { self.sequenced = sequenced }

    /// Buffered bytes, overhead included, of every slot.
    package var bufferedBytes: Int { slots.reduce(0) { $0 + $1.assembly.footprint } }

    private func isStale(_ id: UInt16) -> Bool {
        guard sequenced, let newest = newestDelivered else { return false }
        return !WrappingSequence.isNewer(id, than: newest)
    }

    /// Handles one entry of `payload`, appending a message it completes to `released`, as
    /// delivered on `channel`; `delta` is the change in ``bufferedBytes`` (a delivered message
    /// leaves this channel's buffer; the caller accounts for it from then on).
    package mutating func receive(
        _ entry: ChannelEntry, in payload: [UInt8], limit: Int, now: NetInstant, channel: ChannelID,
        released: inout [DeliveredMessage]
    ) -> (outcome: Outcome, delta: Int) {
        guard !isStale(entry.messageID) else { return (.stale, 0) }
        // A whole message with nothing in reassembly changes no buffered byte: not counted.
        guard entry.fragment != nil || !slots.isEmpty else {
            return (deliver(entry.messageID, payload[entry.range], channel: channel, into: &released), 0)
        }
        // A fragment, or a sequenced delivery that frees the older partial messages.
        let before = bufferedBytes
        let outcome =
            if let fragment = entry.fragment {
                insert(
                    entry, bytes: payload[entry.range], fragment: fragment, limit: limit, now: now, channel: channel,
                    released: &released)
            } else {
                deliver(entry.messageID, payload[entry.range], channel: channel, into: &released)
            }
        return (outcome, bufferedBytes - before)
    }

    private mutating func insert(
        _ entry: ChannelEntry, bytes: ArraySlice<UInt8>, fragment: ChannelEntry.Fragment, limit: Int, now: NetInstant,
        channel: ChannelID, released: inout [DeliveredMessage]
    ) -> Outcome {
        // Numbers wrap every 65,536 messages: a partial message far from the current one is
        // from an earlier lap, and must never absorb fragments of a new message that
        // happens to share its number.
        slots.removeAll { abs(Int(Int16(bitPattern: $0.id &- entry.messageID))) > Self.maxNumberDistance }
        let index: Int
        if let existing = slots.firstIndex(where: { $0.id == entry.messageID }) {
            index = existing
        } else {
            if slots.count == Self.maxAssemblies {
                slots.removeFirst()
                evicted += 1
            }
            slots.append(Slot(id: entry.messageID, assembly: FragmentAssembly(count: fragment.count, startedAt: now)))
            index = slots.count - 1
        }
        // Read in place, never copied: a copy alive during the insert would share the pieces
        // and make the insert copy them all.
        guard fragment.count == slots[index].assembly.count,
            slots[index].assembly.byteCount + bytes.count <= limit,
            slots[index].assembly.insert(fragment.index, bytes: bytes)
        else { return .refused }
        guard slots[index].assembly.isComplete else { return .buffered }
        return deliver(
            entry.messageID, slots.remove(at: index).assembly.assembled()[...], channel: channel, into: &released)
    }

    private mutating func deliver(
        _ id: UInt16, _ message: ArraySlice<UInt8>, channel: ChannelID, into released: inout [DeliveredMessage]
    ) -> Outcome {
        if sequenced {
            newestDelivered = id
            // Older partial messages can no longer be delivered: free them now. (Asked first:
            // on an empty list the removal still cost some 160 instructions a message.)
            if !slots.isEmpty { slots.removeAll { !WrappingSequence.isNewer($0.id, than: id) } }
        }
        let byteCount = message.count
        released.append(DeliveredMessage(channel: channel, bytes: message))
        return .delivered(byteCount: byteCount)
    }

    /// Drops assemblies older than the timeout; returns how many and the bytes freed.
    package mutating func expire(now: NetInstant) -> (count: Int, freed: Int) {
        // Most calls find nothing in reassembly: return before `filter` makes an array.
        guard !slots.isEmpty else { return (0, 0) }
        let expired = slots.filter { now - $0.assembly.startedAt >= Self.reassemblyTimeout }
        guard !expired.isEmpty else { return (0, 0) }
        slots.removeAll { now - $0.assembly.startedAt >= Self.reassemblyTimeout }
        return (expired.count, expired.reduce(0) { $0 + $1.assembly.footprint })
    }

    /// Whether a partial message waits in reassembly.
    var isAssembling: Bool { !slots.isEmpty }

    /// When the oldest assembly times out.
    var nextExpiry: NetInstant? { slots.map(\.assembly.startedAt).min().map { $0 + Self.reassemblyTimeout } }

    /// Four messages in reassembly per channel: enough for a few large updates in flight,
    /// few enough that a peer spraying fragment headers holds little memory.
    static let maxAssemblies = 4
    /// A partial message more than this many numbers from an arriving fragment is stale:
    /// far beyond what four reassembly slots and a one-second timeout can hold apart.
    static let maxNumberDistance = 1024
    /// An unreliable message a second late is worthless to a game running at frame rate;
    /// its fragments are freed instead of waiting for a piece that will never be resent.
    static let reassemblyTimeout = Duration.seconds(1)
}
