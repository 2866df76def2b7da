import Testing

@testable import NetplayChannels

extension ChannelTests {
    /// The 11-byte payload header (docs/PROTOCOL.md §5), written and read a word at a time:
    /// the same bytes, and the same errors in the same order, as field by field.
    @Suite("Payload header coding")
    struct PayloadHeaderCodingTests {
        static let header = PayloadHeader(sequence: 0x0102, ack: 0x0304, ackBits: 0x0506_0708, ackDelay: 0x090A)
        /// Version, then each field little-endian.
        static let headerBytes: [UInt8] = [3, 0x02, 0x01, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05, 0x0A, 0x09]

        static func decode(_ payload: [UInt8]) throws(PayloadDecodeError) -> PayloadHeader {
            try PayloadDecoder.decode(payload, layout: .standard) { _ in 16 }.0
        }

        @Test("every field lands at its offset, little-endian, and reads back")
        func headerBytesAndRoundTrip() throws {
            let writer = PayloadWriter(header: Self.header, capacity: 64)
            #expect(writer.bytes == Self.headerBytes)
            #expect(try Self.decode(Self.headerBytes) == Self.header)
            let extremes = PayloadHeader(sequence: .max, ack: 0, ackBits: .max, ackDelay: PayloadHeader.unknownAckDelay)
            #expect(try Self.decode(PayloadWriter(header: extremes, capacity: 64).bytes) == extremes)
        }

        @Test("a short header is truncated, a wrong version is badVersion, whatever follows")
        func shortAndWrongHeaders() {
            #expect(throws: PayloadDecodeError.truncated) { try Self.decode([]) }
            for length in 1..<PayloadHeader.byteCount {
                #expect(throws: PayloadDecodeError.truncated) { try Self.decode(Array(Self.headerBytes[..<length])) }
                var wrong = Array(Self.headerBytes[..<length])
                wrong[0] = 1
                #expect(throws: PayloadDecodeError.badVersion) { try Self.decode(wrong) }
            }
            // Version 2 (the narrower window) and an unknown 4.
            for version: UInt8 in [2, 4] {
                var wrongWhole = Self.headerBytes
                wrongWhole[0] = version
                #expect(throws: PayloadDecodeError.badVersion) { try Self.decode(wrongWhole) }
            }
        }

        @Test("an entry after the header still starts at byte 11")
        func entryAfterTheHeader() throws {
            var writer = PayloadWriter(header: Self.header, capacity: 64)
            let appended = writer.append(channel: 0, messageID: 0x0B0C, fragment: nil, bytes: [0xEE, 0xFF][...])
            #expect(appended)
            #expect(writer.bytes == Self.headerBytes + [0, 0, 0x0C, 0x0B, 2, 0xEE, 0xFF])
            let payload = writer.bytes
            let (header, entries) = try PayloadDecoder.decode(payload, layout: .standard) { _ in 16 }
            #expect(header == Self.header)
            #expect(entries.count == 1)
            #expect(entries.first?.messageID == 0x0B0C)
            #expect(entries.first.map { Array(payload[$0.range]) } == [0xEE, 0xFF])
        }

        @Test("a 128-byte body takes a two-byte length, a fragment its flag and varints")
        func longAndFragmentedEntries() throws {
            var writer = PayloadWriter(header: Self.header, capacity: 512)
            let long = [UInt8](repeating: 0xAB, count: 128)
            let appendedLong = writer.append(channel: 1, messageID: 7, fragment: nil, bytes: long[...])
            let fragment = ChannelEntry.Fragment(index: 1, count: 3)
            let appendedFragment = writer.append(channel: 0, messageID: 8, fragment: fragment, bytes: [0x55][...])
            #expect(appendedLong && appendedFragment)
            #expect(
                writer.bytes
                    == Self.headerBytes + [1, 0, 7, 0, 0x80, 0x01] + long + [
                        0, ChannelEntry.fragmentFlag, 8, 0, 3, 1, 1, 0x55,
                    ])
            let entries = try PayloadDecoder.decode(writer.bytes, layout: .standard) { _ in 16 }.1
            #expect(entries.map(\.messageID) == [7, 8])
            #expect(entries.map(\.fragment) == [nil, fragment])
            #expect(entries.map(\.byteCount) == [128, 1])
        }

        /// A whole message with a body of 1 to 127 bytes is read in one go; every entry just
        /// outside that (an empty body, 128 bytes, a fragment) and every malformed one goes
        /// the field-by-field way: the same entries, the same errors.
        @Test("entries at the edges of the short form decode and fail as field by field")
        func shortFormEdges() throws {
            let body127 = [UInt8](repeating: 0x11, count: 127)
            let body128 = [UInt8](repeating: 0x22, count: 128)
            let payload =
                Self.headerBytes + [2, 0, 1, 0, 0]  // an empty unreliable body
                + [0, 0, 2, 0, 127] + body127 + [1, 0, 3, 0, 0x80, 0x01] + body128
                + [0, ChannelEntry.fragmentFlag, 4, 0, 2, 0, 1, 0x33] + [3, 0, 0xFF, 0xFF, 1, 0x44]
            let entries = try PayloadDecoder.decode(payload, layout: .standard) { _ in 16 }.1
            #expect(entries.map(\.channel) == [2, 0, 1, 0, 3])
            #expect(entries.map(\.messageID) == [1, 2, 3, 4, 0xFFFF])
            #expect(entries.map(\.byteCount) == [0, 127, 128, 1, 1])
            #expect(entries.map(\.fragment) == [nil, nil, nil, ChannelEntry.Fragment(index: 0, count: 2), nil])
            #expect(entries.map { Array(payload[$0.range]) } == [[], body127, body128, [0x33], [0x44]])

            let malformed: [([UInt8], PayloadDecodeError)] = [
                ([9, 0, 1, 0, 1, 0x55], .unknownChannel),
                ([0, 2, 1, 0, 1, 0x55], .reservedFlags),
                ([0, 0, 1, 0, 0, 0x55], .emptyReliableEntry),
                ([0, 0, 1, 0, 2, 0x55], .truncated),
                ([0, 0, 2, 0, 127] + body127.dropLast(), .truncated),
                ([0, 0, 1, 0], .truncated),
            ]
            for (entry, error) in malformed {
                #expect(throws: error) { try Self.decode(Self.headerBytes + entry) }
            }
        }
    }
}
