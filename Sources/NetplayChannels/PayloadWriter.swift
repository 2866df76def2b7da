/// Builds one payload: the header, then entries while they fit the size budget.
///
/// Writes bytes directly rather than through ``BitWriter``: the format is byte-aligned
/// throughout, and this is the per-message hot path. Integers are little-endian and varints
/// LEB128, exactly as ``BitWriter`` would lay them out.
package struct PayloadWriter: Sendable {
    package private(set) var bytes: [UInt8]
    package let capacity: Int
    package private(set) var entryCount = 0

    /// Starts a payload of at most `capacity` bytes in `buffer` (emptied first; a buffer a
    /// sealed payload left behind, kept for its room).
    package init(header: PayloadHeader, capacity: Int, in buffer: consuming [UInt8] = []) {
        self.capacity = capacity
        bytes = consume buffer
        // Already empty when it comes from a stash (emptying an empty array is no free call).
        bytes.empty()
        bytes.reserveCapacity(capacity)
        bytes.append(PayloadHeader.formatVersion)
        append16(header.sequence)
        append16(header.ack)
        append16(UInt16(truncatingIfNeeded: header.ackBits))
        append16(UInt16(truncatingIfNeeded: header.ackBits >> 16))
        append16(header.ackDelay)
    }

    /// Moves the payload's bytes out, leaving the writer empty.
    package mutating func takeBytes() -> [UInt8] { bytes.lend() }

    package var byteCount: Int { bytes.count }
    package var remaining: Int { capacity - bytes.count }

    /// Appends an entry if it fits; returns whether it did.
    package mutating func append(
        channel: UInt8, messageID: UInt16, fragment: ChannelEntry.Fragment?, bytes body: ArraySlice<UInt8>
    ) -> Bool {
        guard ChannelEntry.encodedSize(fragment: fragment, byteCount: body.count) <= remaining else { return false }
        bytes.append(channel)
        bytes.append(fragment == nil ? 0 : ChannelEntry.fragmentFlag)
        append16(messageID)
        if let fragment {
            appendVarint(UInt64(fragment.count))
            appendVarint(UInt64(fragment.index))
        }
        appendVarint(UInt64(body.count))
        bytes.append(contentsOf: body)
        entryCount += 1
        return true
    }

    private mutating func append16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private mutating func appendVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
