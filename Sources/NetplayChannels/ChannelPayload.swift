/// The header every channel payload starts with (see docs/PROTOCOL.md §5): this layer's own packet
/// sequence and the acknowledgement of the peer's packets, reliable.io style.
package struct PayloadHeader: Sendable, Hashable {
    /// This payload's packet sequence (wrapping).
    package var sequence: UInt16
    /// The newest peer sequence this end acknowledges.
    package var ack: UInt16
    /// Bit `i` set: peer sequence `ack - 1 - i` is acknowledged too.
    package var ackBits: UInt32
    /// Microseconds between the arrival of payload `ack` and the sending of this header, so
    /// the peer can take the time this end held its acknowledgement out of its round-trip
    /// sample (QUIC's ack_delay); ``unknownAckDelay`` when this end cannot say.
    package var ackDelay: UInt16

    package init(sequence: UInt16, ack: UInt16, ackBits: UInt32, ackDelay: UInt16 = Self.unknownAckDelay) {
        self.sequence = sequence
        self.ack = ack
        self.ackBits = ackBits
        self.ackDelay = ackDelay
    }

    /// Format version byte; a payload starting with anything else is dropped. Version 2 added
    /// the ack delay; version 3, the same bytes, widened the reliable window from 1,024 to
    /// 4,096 message numbers and refuses an empty reliable entry, which keeps the numbers
    /// unambiguous. The two must not talk: a version-2 receiver drops a version-3 sender's
    /// numbers beyond its own window, and a version-3 receiver could misread a version-2
    /// sender's, whose empty entries break the bound (docs/PROTOCOL.md §5).
    package static let formatVersion: UInt8 = 3
    /// Version, sequence, ack, ack bitfield, ack delay.
    package static let byteCount = 1 + 2 + 2 + 4 + 2
    /// The ack delay of a header whose `ack` names no payload, or names one whose arrival this
    /// end no longer knows: the peer takes no round-trip sample from it.
    package static let unknownAckDelay: UInt16 = .max

    /// The ack bits naming the `count` sequences just below `ack` (bit `i` names `ack - 1 - i`):
    /// none for a count of zero or less, all 32 from 32 on.
    package static func ackBits(naming count: Int64) -> UInt32 {
        if count <= 0 { return 0 }
        return count >= 32 ? .max : (1 << UInt32(count)) - 1
    }

    /// The ack delay field for a hold of `held`, saturating at 65,534 µs (``unknownAckDelay``
    /// is reserved for "unknown"; the peer takes out at most 65 ms anyway).
    package static func ackDelayField(held: Duration) -> UInt16 {
        let microseconds = held.nanosecondsClamped / 1_000
        return UInt16(min(max(microseconds, 0), Int64(unknownAckDelay) - 1))
    }
}

/// One piece of a message inside a payload: a whole message or one fragment of it.
package struct ChannelEntry: Sendable {
    package var channel: UInt8
    /// Reliable: the channel's message number. Unreliable-sequenced: the sequence.
    /// Unreliable: a number that only groups fragments.
    var messageID: UInt16
    /// `nil` for a whole message.
    var fragment: Fragment?
    /// Where the bytes lie in the payload that carried the entry: positions, not a slice of
    /// it, so an entry is a plain value. As slices, the entries retained and released the
    /// payload at each step from the decoder to delivery, seven times a message.
    package var range: Range<Int>

    /// Number of bytes.
    package var byteCount: Int { range.count }

    package struct Fragment: Sendable, Hashable {
        package var index: Int
        package var count: Int

        package init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }
    }

    /// Flag bit: the entry is a fragment and a fragment header follows the message ID.
    static let fragmentFlag: UInt8 = 0x01
    /// Channel byte, flags byte, message ID.
    static let fixedHeaderBytes = 1 + 1 + 2
    /// The head of a whole message of at most 127 bytes: the fixed header and a one-byte
    /// length. The payload's writer builds such an entry in one go (0 to 127 bytes), its
    /// decoder reads one so (1 to 127). Spelled as numbers, as the hot paths read it: a
    /// constant, with no lazy initialization to check.
    static let shortHeadBytes = 1 + 1 + 2 + 1
    /// The longest body such a head describes: a length of one varint byte.
    static let shortBodyBytes = 127

    /// Bytes this entry takes on the wire.
    static func encodedSize(fragment: Fragment?, byteCount: Int) -> Int {
        var size = fixedHeaderBytes + varintSize(UInt64(byteCount)) + byteCount
        if let fragment { size += varintSize(UInt64(fragment.count)) + varintSize(UInt64(fragment.index)) }
        return size
    }

    /// Length of `value` as a LEB128 varint.
    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }
}
