import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

@Suite("Bit writer and reader")
struct BitStreamTests {
    @Test func bitsAreLittleEndianLowBitFirst() throws {
        var writer = BitWriter()
        writer.writeBits(0b101, count: 3)
        writer.writeBits(0b11111, count: 5)
        writer.writeBits(0xABCD, count: 16)
        #expect(writer.bytes == [0b1111_1101, 0xCD, 0xAB])
        var reader = BitReader(writer.bytes)
        #expect(try reader.readBits(3) == 0b101)
        #expect(try reader.readBits(5) == 0b11111)
        #expect(try reader.readBits(16) == 0xABCD)
        #expect(reader.remainingBits == 0)
    }

    /// Words kept inline then moved to an array, raw bytes appended when aligned (bit by bit
    /// when not): whatever the mix, the bytes are those of a plain bit-by-bit packing of the
    /// same writes, `bytes`, `finish()` and `finishMessage()` agree, and the writer is empty
    /// after finishing.
    @Test func randomWriteMixesPackExactlyAsBitByBit() {
        var random = TestRandom(seed: 7)
        for round in 0..<200 {
            var writer = BitWriter(capacity: round % 3 == 0 ? 1 : 64)
            var bits: [Bool] = []
            for _ in 0..<Int(random.next() % 40) {
                if random.next() % 4 == 0 {
                    // Raw bytes: at any alignment (bit by bit when unaligned), up to 100 of them.
                    let raw = (0..<Int(random.next() % 100)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                    writer.writeRawBytes(raw)
                    for byte in raw { bits += (0..<8).map { byte >> $0 & 1 == 1 } }
                } else {
                    let count = Int(random.next() % 65)
                    let value = random.next()
                    writer.writeBits(value, count: count)
                    bits += (0..<count).map { value >> UInt64($0) & 1 == 1 }
                }
            }
            var expected = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
            for (index, bit) in bits.enumerated() where bit { expected[index / 8] |= 1 << (index % 8) }
            #expect(writer.bitCount == bits.count)
            #expect(writer.byteCount == expected.count)
            #expect(writer.bytes == expected, "round \(round)")
            // Every other round as a message (what `send` does): held inline exactly while the
            // writer held every byte in its words or the bytes fit the value anyway (copied
            // out of the writer's array), otherwise the writer's own array.
            let finished: [UInt8]
            if round % 2 == 0 {
                finished = writer.finish()
            } else {
                let heldInline = writer.storage.isEmpty
                let message = writer.finishMessage()
                #expect(message.isInline == (heldInline || expected.count <= MessageBytes.inlineCapacity))
                #expect(message.count == expected.count)
                finished = message.array
            }
            #expect(finished == expected, "round \(round)")
            #expect(finished.count == expected.count)
            #expect(writer.bitCount == 0)
            // Empty again: a writer used after `finish()` starts afresh.
            writer.writeBits(0x1_0203, count: 17)
            #expect(writer.finish() == [0x03, 0x02, 0x01])
        }
    }

    /// A message as `send` finishes it: held inline, exact to the byte, while it fits four
    /// full words and a partial fifth (at most 319 bits, 40 bytes); from the fifth full word
    /// on the writer moves its bytes to an array, which a message of up to 40 bytes is copied
    /// out of (raw bytes, as strings write them, go to the array at once); past 40 bytes, the
    /// writer's own array.
    @Test func aMessageWithinTheWordsIsHeldInline() {
        for byteCount in [0, 1, 9, 32, 33, 39] {
            var writer = BitWriter()
            let bytes = (0..<byteCount).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) }
            for byte in bytes { writer.writeFixed(byte) }
            let message = writer.finishMessage()
            guard message.isInline else {
                Issue.record("\(byteCount) bytes were not held inline")
                continue
            }
            #expect(message.count == byteCount)
            #expect(message.array == bytes)
            #expect(message == MessageBytes(bytes))
            #expect(writer.bitCount == 0)
        }
        var widest = BitWriter()
        for byte in 0..<39 { widest.writeFixed(UInt8(byte)) }
        widest.writeBits(0x7F, count: 7)
        let inline = widest.finishMessage()
        guard inline.isInline else {
            Issue.record("319 bits were not held inline")
            return
        }
        #expect(inline.array == Array(0..<39) + [0x7F])
        var fortyBytes = BitWriter()
        for byte in 0..<40 { fortyBytes.writeFixed(UInt8(byte)) }
        let copied = fortyBytes.finishMessage()
        #expect(copied.isInline, "40 whole bytes, spilled, were not copied back inline")
        #expect(copied.array == Array(0..<40))
        var rawWriter = BitWriter()
        rawWriter.writeRawBytes([1, 2, 3])
        let raw = rawWriter.finishMessage()
        #expect(raw.isInline && raw.array == [1, 2, 3])
        var writer = BitWriter()
        for byte in 0..<41 { writer.writeFixed(UInt8(byte)) }
        let message = writer.finishMessage()
        #expect(!message.isInline, "41 bytes were held inline")
        #expect(message.array == Array(0..<41))
        #expect(writer.bitCount == 0)
    }

    /// Every boundary of the inline words: 0 to 6 full words, 0 to 8 more bytes, an aligned raw
    /// write of 0, 1, 7, 8 or 40 bytes, then more words. The bytes match a bit-by-bit packing,
    /// replication's field capture (which reads `storage` and `scratch`) agrees with the bytes,
    /// and a writer reused after `finish()` leaves no stale inline word behind.
    @Test func everyInlineBoundaryPacksExactlyAsBitByBit() {
        for words in 0...6 {
            for extraBytes in 0...8 {
                for rawCount in [0, 1, 7, 8, 40] {
                    var writer = BitWriter(capacity: 1)
                    var bits: [Bool] = []
                    func put(_ value: UInt64, _ count: Int) {
                        writer.writeBits(value, count: count)
                        bits += (0..<count).map { value >> UInt64($0) & 1 == 1 }
                    }
                    for word in 0..<words { put(0x0101_0101_0101_0101 &* UInt64(word + 1), 64) }
                    for extra in 0..<extraBytes { put(UInt64(0xA0 + extra), 8) }
                    let raw = (0..<rawCount).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 5) }
                    writer.writeRawBytes(raw)
                    for byte in raw { bits += (0..<8).map { byte >> $0 & 1 == 1 } }
                    put(0x1_2345_6789, 33)
                    put(.max, 64)
                    var expected = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
                    for (index, bit) in bits.enumerated() where bit { expected[index / 8] |= 1 << (index % 8) }
                    let shape = "\(words) words, \(extraBytes) bytes, \(rawCount) raw"
                    #expect(writer.bitCount == bits.count, "\(shape)")
                    #expect(writer.bytes == expected, "\(shape)")
                    var captured = StateBits()
                    captured.append(bitsOf: writer)
                    var fromBytes = StateBits()
                    fromBytes.appendBytes(expected, bitCount: bits.count)
                    #expect(captured == fromBytes, "\(shape)")
                    #expect(writer.finish() == expected, "\(shape)")
                    writer.writeBits(7, count: 3)
                    #expect(writer.finish() == [7])
                    writer.writeBits(0xDEAD_BEEF_0000_0001, count: 64)
                    writer.writeBits(1, count: 1)
                    #expect(writer.finish() == [1, 0, 0, 0, 0xEF, 0xBE, 0xAD, 0xDE, 1])
                }
            }
        }
    }

    @Test func fixedWidthIntegersRoundTripAtEveryAlignment() throws {
        var random = TestRandom(seed: 1)
        for offset in 0..<8 {
            var writer = BitWriter()
            writer.writeBits(0, count: offset)
            let values: [UInt64] = [0, 1, .max, 1 << 63, random.next(), random.next()]
            for value in values { writer.writeFixed(value) }
            writer.writeFixed(Int32.min)
            writer.writeFixed(Int16.max)
            var reader = BitReader(writer.bytes)
            _ = try reader.readBits(offset)
            for value in values { #expect(try reader.readFixed(UInt64.self) == value) }
            #expect(try reader.readFixed(Int32.self) == .min)
            #expect(try reader.readFixed(Int16.self) == .max)
        }
    }

    @Test func varintsUseOneByteBelow128AndZigZagKeepsSmallNegativesSmall() throws {
        var writer = BitWriter()
        writer.writeVarUInt(127)
        #expect(writer.bytes.count == 1)
        writer.writeVarUInt(128)
        #expect(writer.bytes.count == 3)
        writer.writeVarInt(-1)
        #expect(writer.bytes == [0x7F, 0x80, 0x01, 0x01])
        for value: Int64 in [0, -1, 1, -64, 63, .min, .max] {
            var w = BitWriter()
            w.writeVarInt(value)
            var r = BitReader(w.bytes)
            #expect(try r.readVarInt() == value)
        }
        var w = BitWriter()
        w.writeVarUInt(.max)
        #expect(w.bytes.count == 10)
        var r = BitReader(w.bytes)
        #expect(try r.readVarUInt() == .max)
    }

    @Test func overlongAndOverflowingVarintsAreRejected() {
        var overlong = BitReader([UInt8](repeating: 0x80, count: 11) + [0])
        #expect(throws: WireError(.malformedVarint, expected: "varint", at: 0)) { try overlong.readVarUInt() }
        // Ten groups whose last carries more than the one bit a UInt64 has left.
        var overflow = BitReader([UInt8](repeating: 0xFF, count: 9) + [0x02])
        #expect(throws: WireError(.malformedVarint, expected: "varint", at: 0)) { try overflow.readVarUInt() }
        var tooBigForUInt8 = BitReader([0x80, 0x02])
        #expect(throws: WireError(.valueOutOfRange, expected: "UInt8", at: 0)) {
            try tooBigForUInt8.readVarInteger(UInt8.self)
        }
    }

    @Test func shortInputSaysWhatWasExpectedAndWhere() {
        var reader = BitReader([0xFF])
        _ = try? reader.readBits(5)
        #expect(throws: WireError(.endOfData(neededBits: 29), expected: "Float", at: 5)) { try reader.readFloat() }
    }

    @Test func floatsAreBitExactIncludingNaNPayloadsAndSignedZero() throws {
        let floats: [Float] = [
            0, -0.0, .nan, -.nan, Float(bitPattern: 0x7FC0_1234), .infinity, -.infinity,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        ]
        let doubles: [Double] = [
            0, -0.0, .nan, Double(bitPattern: 0x7FF8_0000_0000_BEEF), .infinity, .leastNonzeroMagnitude,
            -.greatestFiniteMagnitude,
        ]
        var writer = BitWriter()
        writer.writeBool(true)  // misalign on purpose
        for value in floats { writer.writeFloat(value) }
        for value in doubles { writer.writeDouble(value) }
        var reader = BitReader(writer.bytes)
        _ = try reader.readBool()
        for value in floats { #expect(try reader.readFloat().bitPattern == value.bitPattern) }
        for value in doubles { #expect(try reader.readDouble().bitPattern == value.bitPattern) }
    }

    @Test func quantizedFloatsUseFewBitsAndStayWithinHalfAStep() throws {
        let format = QuantizedFloat(0...2048, step: 1.0 / 64)
        #expect(format.bitCount == 18)  // 131,073 steps: 0 and 2048 both included
        var random = TestRandom(seed: 7)
        for _ in 0..<10_000 {
            let value = Float.random(in: -100...2200, using: &random)
            var writer = BitWriter()
            writer.writeQuantized(value, format)
            #expect(writer.bitCount == 18)
            var reader = BitReader(writer.bytes)
            let decoded = try reader.readQuantized(format)
            let clamped = min(max(value, 0), 2048)
            #expect(abs(decoded - clamped) <= Float(format.step / 2) + 1e-3)
        }
        var nan = BitWriter()
        nan.writeQuantized(.nan, format)
        var reader = BitReader(nan.bytes)
        #expect(try reader.readQuantized(format) == 0)
    }

    @Test func quantizedIndexPastTheTopIsCorruption() {
        let format = QuantizedFloat(0...100, step: 1)  // 101 steps in 7 bits: 101...127 are invalid
        var reader = BitReader([127])
        #expect(throws: WireError(.valueOutOfRange, expected: "quantized Float", at: 0)) {
            try reader.readQuantized(format)
        }
    }

    @Test func anglesWrapAndComeBackWithinHalfAStep() throws {
        let bits = 10
        let step = 2 * Float.pi / Float(1 << bits)
        for degrees in stride(from: -720, through: 720, by: 7) {
            let radians = Float(degrees) * .pi / 180
            var writer = BitWriter()
            writer.writeAngle(radians, bits: bits)
            var reader = BitReader(writer.bytes)
            let decoded = try reader.readAngle(bits: bits)
            #expect(decoded >= -.pi && decoded < .pi)
            let difference = (decoded - radians).remainder(dividingBy: 2 * .pi)
            #expect(abs(difference) <= step / 2 + 1e-4)
        }
    }

    @Test func stringsAreValidatedAndCapped() throws {
        var writer = BitWriter()
        try writer.writeString("héllo 🎮")
        var reader = BitReader(writer.bytes)
        #expect(try reader.readString() == "héllo 🎮")

        var invalid = BitReader([2, 0xC3, 0x28])
        #expect(throws: WireError(.invalidUTF8, expected: "String", at: 8)) { try invalid.readString() }

        var huge = BitReader([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x41])
        #expect(throws: WireError(.lengthTooLarge(length: 0xFFFF_FFFF, limit: 4096), expected: "String length", at: 0))
        { try huge.readString() }

        var longerThanInput = BitReader([10, 0x41])
        #expect(throws: WireError(.lengthTooLarge(length: 10, limit: 4096), expected: "String length", at: 0)) {
            try longerThanInput.readString()
        }

        var tooLong = BitWriter()
        #expect(throws: WireError(.lengthTooLarge(length: 5, limit: 4), expected: "string length", at: 0)) {
            try tooLong.writeString("12345", limits: WireLimits(maxStringBytes: 4))
        }
    }

    @Test func blobsAndArraysRoundTripAndCapTheirCounts() throws {
        var writer = BitWriter()
        try writer.writeBlob([1, 2, 3])
        try writer.writeArray([UInt16(1), 300, 65535]) { $0.writeVarUInt(UInt64($1)) }
        var reader = BitReader(writer.bytes)
        #expect(try reader.readBlob() == [1, 2, 3])
        #expect(
            try reader.readArray { (r: inout BitReader) throws(WireError) in try r.readVarInteger(UInt16.self) } == [
                1, 300, 65535,
            ])

        var hostile = BitReader([0xFF, 0xFF, 0x03], limits: WireLimits(maxElements: 10))
        #expect(throws: WireError(.lengthTooLarge(length: 65535, limit: 10), expected: "array count", at: 0)) {
            try hostile.readArray { (r: inout BitReader) throws(WireError) in try r.readBool() }
        }
    }

    @Test func trailingDataAndNonZeroPaddingAreDetected() throws {
        let reader = BitReader([0x01, 0x02])
        #expect(throws: WireError(.trailingData(bits: 16), expected: "end of message", at: 0)) {
            try reader.expectEnd()
        }
        var padded = BitReader([0b1000_0001])
        _ = try padded.readBool()
        #expect(throws: WireError(.trailingData(bits: 7), expected: "end of message", at: 1)) { try padded.expectEnd() }
    }

    /// A message inside a datagram is read in place: positions, the end and the last word
    /// all count from the slice, never from the array around it, whatever bytes lie beyond.
    @Test func aSliceIsReadInPlaceAsIfItWereTheWholeInput() throws {
        var writer = BitWriter()
        writer.writeBits(0b101, count: 3)
        writer.writeFixed(UInt64(0x0123_4567_89AB_CDEF))
        writer.writeVarUInt(300)
        let message = writer.finish()
        // Bytes on both sides that would change every read if the slice's bounds leaked.
        for (before, after) in [(0, 0), (1, 9), (5, 0), (13, 3)] {
            let around = [UInt8](repeating: 0xFF, count: before) + message + [UInt8](repeating: 0xFF, count: after)
            let slice = around[before..<(before + message.count)]
            var reader = BitReader(slice)
            #expect(try reader.readBits(3) == 0b101)
            #expect(try reader.readFixed(UInt64.self) == 0x0123_4567_89AB_CDEF)
            #expect(try reader.readVarUInt() == 300)
            #expect(reader.bitsRead == 3 + 64 + 16)
            try reader.expectEnd()
            #expect(throws: WireError.self) { try reader.readBits(8) }
        }
        // A short slice (under a word) far into a larger array: the tail word holds only its bytes.
        let around: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x2A, 0x01, 0xFF, 0xFF]
        var short = BitReader(around[9..<11])
        #expect(try short.readBits(16) == 0x012A)
        #expect(short.remainingBits == 0)
        // Padding is checked within the slice: set bits past its end are not its padding.
        var padded = BitReader(around[10..<11])
        _ = try padded.readBool()
        try padded.expectEnd()
        var dirty = BitReader(around[8..<9])
        _ = try dirty.readBool()
        #expect(throws: WireError(.trailingData(bits: 7), expected: "end of message", at: 1)) { try dirty.expectEnd() }
    }

    @Test func compactIntegersSpendBitsByMagnitude() throws {
        let cases: [(UInt64, Int, Int)] = [
            (0, 16, 5), (1, 16, 5), (2, 16, 6), (999, 16, 14), (.max, 64, 70), (65535, 16, 20),
        ]
        for (value, width, bits) in cases {
            var writer = BitWriter()
            writer.writeCompact(value, bitWidth: width)
            #expect(writer.bitCount == bits, "\(value) as \(width)-bit")
            var reader = BitReader(writer.finish())
            #expect(try reader.readCompact(bitWidth: width) == value)
        }
        // A length field claiming more significant bits than the type has is corruption.
        var reader = BitReader([0b11111])
        #expect(throws: WireError(.valueOutOfRange, expected: "UInt16", at: 0)) {
            try reader.readCodedInteger(UInt16.self)
        }
        for value in [Int32.min, -1, 0, 1, .max] {
            var writer = BitWriter()
            writer.writeCodedInteger(value)
            var r = BitReader(writer.finish())
            #expect(try r.readCodedInteger(Int32.self) == value)
        }
    }

    @Test func halfOpenRangesSaveTheTopStep() {
        #expect(QuantizedFloat(0..<2048, step: 1.0 / 64).bitCount == 17)
        #expect(QuantizedFloat(0..<2048, step: 1.0 / 64).upperBound == 2048 - 1.0 / 64)
        #expect(QuantizedFloat(0...2048, step: 1.0 / 64).bitCount == 18)
    }
}
