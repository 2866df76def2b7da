/// Why a payload was refused as malformed.
package enum PayloadDecodeError: Error, Sendable, Hashable {
    /// It ended in the middle of a field.
    case truncated
    /// The first byte is not ``PayloadHeader/formatVersion``.
    case badVersion
    /// An entry names a channel the layout does not have.
    case unknownChannel
    /// Reserved flag bits are set.
    case reservedFlags
    /// A fragment count below 2 or above the cap, or an index outside the count.
    case badFragmentHeader
    /// A varint longer than 64 bits.
    case malformedVarint
    /// A reliable entry with no bytes, which no sender makes (docs/PROTOCOL.md §5: the bound
    /// that keeps reliable message numbers unambiguous counts six bytes an entry at least).
    case emptyReliableEntry
}

/// Parses a whole payload before any of it is acted on, so a payload is accepted or dropped
/// as a unit: nothing from a malformed payload (not even its acks) changes any state.
///
/// Entries name the range of their bytes in the payload (no copy); every length is checked
/// against the bytes actually left before it is used, so no input can make it allocate more
/// than the payload.
package struct PayloadDecoder {
    private let payload: [UInt8]
    private var position: Int

    private init(_ payload: [UInt8]) {
        self.payload = payload
        position = payload.startIndex
    }

    /// Decodes `payload`; fragment counts are checked against `maxFragments(kind)`.
    package static func decode(
        _ payload: [UInt8], layout: ChannelLayout, maxFragments: (ChannelKind) -> Int
    ) throws(PayloadDecodeError) -> (PayloadHeader, [ChannelEntry]) {
        var entries: [ChannelEntry] = []
        let header = try decode(payload, layout: layout, into: &entries, maxFragments: maxFragments)
        return (header, entries)
    }

    /// Decodes `payload`, appending its entries to `entries` (a caller's buffer, reused
    /// across payloads so that decoding allocates nothing once it has room).
    package static func decode(
        _ payload: [UInt8], layout: ChannelLayout, into entries: inout [ChannelEntry],
        maxFragments: (ChannelKind) -> Int
    ) throws(PayloadDecodeError) -> PayloadHeader {
        var decoder = PayloadDecoder(payload)
        let header = try decoder.header()
        while decoder.position < payload.endIndex {
            if let entry = decoder.wholeShortEntry(layout: layout) {
                entries.append(entry)
                continue
            }
            let channel = try decoder.byte()
            guard let kind = layout.kind(of: ChannelID(channel)) else { throw .unknownChannel }
            let flags = try decoder.byte()
            guard flags & ~ChannelEntry.fragmentFlag == 0 else { throw .reservedFlags }
            let messageID = try decoder.uint16()
            var fragment: ChannelEntry.Fragment?
            if flags & ChannelEntry.fragmentFlag != 0 {
                let count = try decoder.varint()
                let index = try decoder.varint()
                guard count >= 2, count <= UInt64(maxFragments(kind)), index < count else { throw .badFragmentHeader }
                fragment = ChannelEntry.Fragment(index: Int(index), count: Int(count))
            }
            let length = try decoder.varint()
            guard length <= UInt64(payload.endIndex - decoder.position) else { throw .truncated }
            guard length > 0 || !kind.isReliable else { throw .emptyReliableEntry }
            let start = decoder.position
            decoder.position += Int(length)
            entries.append(
                ChannelEntry(
                    channel: channel, messageID: messageID, fragment: fragment, range: start..<decoder.position
                ))
        }
        return header
    }

    /// The header, read at once once its length is known (a bounds check per byte cost some
    /// 150 instructions a payload); the same errors, in the same order, as reading it field
    /// by field: `truncated` if empty, `badVersion`, then `truncated` if short.
    private mutating func header() throws(PayloadDecodeError) -> PayloadHeader {
        guard try byte() == PayloadHeader.formatVersion else { throw .badVersion }
        guard payload.count >= PayloadHeader.byteCount else { throw .truncated }
        position = PayloadHeader.byteCount
        return payload.withUnsafeBytes { raw in
            PayloadHeader(
                sequence: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 1, as: UInt16.self)),
                ack: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 3, as: UInt16.self)),
                ackBits: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 5, as: UInt32.self)),
                ackDelay: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 9, as: UInt16.self)))
        }
    }

    /// The next entry, read at once, if it is a whole message on a channel of `layout` with
    /// a body of 1 to 127 bytes that the payload holds (the usual game message); nil, having
    /// read nothing, for anything else, which the field-by-field reading decodes or refuses.
    /// Its channel, flags and message number in one load, then its length byte: field by field
    /// (a bounds check a byte, a call for the message number), about 68 instructions more a
    /// message (callgrind).
    private mutating func wholeShortEntry(layout: ChannelLayout) -> ChannelEntry? {
        let start = position
        guard payload.endIndex - start > ChannelEntry.shortHeadBytes else { return nil }
        let head = payload.withUnsafeBytes {
            UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self))
        }
        let length = Int(payload[start + ChannelEntry.fixedHeaderBytes])
        let channel = UInt8(truncatingIfNeeded: head)
        let flags = UInt8(truncatingIfNeeded: head >> 8)
        let body = start + ChannelEntry.shortHeadBytes
        guard flags == 0, length > 0, length <= ChannelEntry.shortBodyBytes, length <= payload.endIndex - body,
            layout.kind(of: ChannelID(channel)) != nil
        else { return nil }
        position = body + length
        return ChannelEntry(
            channel: channel, messageID: UInt16(truncatingIfNeeded: head >> 16), fragment: nil, range: body..<position)
    }

    private mutating func byte() throws(PayloadDecodeError) -> UInt8 {
        guard position < payload.endIndex else { throw .truncated }
        defer { position += 1 }
        return payload[position]
    }

    private mutating func uint16() throws(PayloadDecodeError) -> UInt16 {
        let low = try byte()
        return UInt16(low) | UInt16(try byte()) << 8
    }

    /// LEB128, at most ``maxVarintBytes`` groups, as `BitReader.readVarUInt` accepts.
    private mutating func varint() throws(PayloadDecodeError) -> UInt64 {
        var result: UInt64 = 0
        for group in 0..<Self.maxVarintBytes {
            let next = try byte()
            let bits = UInt64(next & 0x7F)
            if group == Self.maxVarintBytes - 1, bits > 1 { throw .malformedVarint }
            result |= bits << UInt64(7 * group)
            if next & 0x80 == 0 { return result }
        }
        throw .malformedVarint
    }

    /// Ten 7-bit groups hold 64 bits.
    private static let maxVarintBytes = 10
}
