import NetplayWire

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
        appendHeader(header)
    }

    /// The header's 11 bytes in one append, from two little-endian words: eleven appends of
    /// a byte each (a uniqueness and capacity check apiece) cost some 200 instructions a
    /// payload, one append of a buffer about 75.
    private mutating func appendHeader(_ header: PayloadHeader) {
        // Bytes 0–7: version, sequence, ack, the ack bits' low three bytes.
        let first =
            UInt64(PayloadHeader.formatVersion) | UInt64(header.sequence) << 8 | UInt64(header.ack) << 24
            | UInt64(header.ackBits & 0xFF_FFFF) << 40
        // Bytes 8–10: the ack bits' high byte, the ack delay.
        let second = UInt64(header.ackBits >> 24) | UInt64(header.ackDelay) << 8
        withUnsafeBytes(of: (first.littleEndian, second.littleEndian)) {
            appendBytes(UnsafeRawBufferPointer(rebasing: $0[..<PayloadHeader.byteCount]))
        }
    }

    /// Moves the payload's bytes out, leaving the writer empty.
    package mutating func takeBytes() -> [UInt8] { bytes.lend() }

    package var byteCount: Int { bytes.count }
    package var remaining: Int { capacity - bytes.count }

    /// Appends an entry if it fits; returns whether it did.
    package mutating func append(
        channel: UInt8, messageID: UInt16, fragment: ChannelEntry.Fragment?, bytes body: UnsafeRawBufferPointer
    ) -> Bool {
        guard ChannelEntry.encodedSize(fragment: fragment, byteCount: body.count) <= remaining else { return false }
        if fragment == nil, body.count <= ChannelEntry.shortBodyBytes {
            appendSmall(channel: channel, messageID: messageID, body: body)
            entryCount += 1
            return true
        }
        // A fragment, or a body over `shortBodyBytes`: byte by byte, as one append of the head
        // alone as a buffer (about 75 instructions through the generic copy) saved nothing.
        bytes.append(channel)
        bytes.append(fragment == nil ? 0 : ChannelEntry.fragmentFlag)
        append16(messageID)
        if let fragment {
            appendVarint(UInt64(fragment.count))
            appendVarint(UInt64(fragment.index))
        }
        appendVarint(UInt64(body.count))
        appendBytes(body)
        entryCount += 1
        return true
    }

    /// A whole message's entry of a short body (the usual game message; at most
    /// ``ChannelEntry/shortBodyBytes``): head and body put together on the stack and appended
    /// in one copy. A byte at a time, the head's five appends (a uniqueness and capacity check
    /// apiece) and the body's own append cost 45–57 instructions more a message (callgrind,
    /// the 16-byte streams' senders).
    private mutating func appendSmall(channel: UInt8, messageID: UInt16, body: UnsafeRawBufferPointer) {
        let headBytes = ChannelEntry.shortHeadBytes
        withUnsafeTemporaryAllocation(byteCount: headBytes + body.count, alignment: 1) { entry in
            entry[0] = channel
            entry[1] = 0  // flags: not a fragment
            entry[2] = UInt8(truncatingIfNeeded: messageID)
            entry[3] = UInt8(truncatingIfNeeded: messageID >> 8)
            entry[4] = UInt8(body.count)  // a varint of one byte
            if !body.isEmpty {
                UnsafeMutableRawBufferPointer(rebasing: entry[headBytes...]).copyMemory(from: body)
            }
            appendBytes(UnsafeRawBufferPointer(entry))
        }
    }

    /// Appends piece `fragment` of the `count` that `message` is cut into by `geometry` (the
    /// whole message when `count` is 1), if it fits; returns whether it did. What both kinds
    /// of channel write for a queued message.
    mutating func appendPiece(
        _ fragment: Int, of count: Int, of message: MessageBytes, channel: UInt8, messageID: UInt16,
        geometry: ChannelGeometry
    ) -> Bool {
        let entryFragment = count > 1 ? ChannelEntry.Fragment(index: fragment, count: count) : nil
        return message.withUnsafeBytes { bytes in
            append(
                channel: channel, messageID: messageID, fragment: entryFragment,
                bytes: geometry.piece(of: bytes, fragment: fragment, count: count))
        }
    }

    /// ``append(channel:messageID:fragment:bytes:)-(_,_,_,UnsafeRawBufferPointer)`` of an
    /// array's bytes: for test vectors and tests.
    package mutating func append(
        channel: UInt8, messageID: UInt16, fragment: ChannelEntry.Fragment?, bytes body: ArraySlice<UInt8>
    ) -> Bool {
        body.withUnsafeBytes { append(channel: channel, messageID: messageID, fragment: fragment, bytes: $0) }
    }

    /// Appends raw bytes (the header's words) as a typed buffer: `append(contentsOf:)` of an
    /// `UnsafeRawBufferPointer` costs a few more instructions than of an
    /// `UnsafeBufferPointer<UInt8>`.
    private mutating func appendBytes(_ raw: UnsafeRawBufferPointer) {
        raw.withMemoryRebound(to: UInt8.self) { bytes.append(contentsOf: $0) }
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
