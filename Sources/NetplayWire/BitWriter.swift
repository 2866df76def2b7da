/// Packs values into a little-endian bit stream, least significant bit first.
///
/// The same order Glenn Fiedler's `serialize` library uses: bits fill each byte from its low
/// end, so a byte-aligned 8-bit write is exactly one byte. Pair with ``BitReader``.
///
/// Bits gather in a 64-bit word. Full words stay in the writer itself up to
/// ``inlineCapacity`` bytes, so a message that small touches the heap once: when ``finish()``
/// copies it into an array of exactly its size. Past that, or once raw bytes are written, the
/// bytes move to an array that grows eight bytes at a time. (Appending a word to the array
/// cost about 100 instructions, three times for a 16-byte message; storing it inline, a few.)
public struct BitWriter: Sendable {
    /// Bytes flushed so far once they left `inline`: whole scratch words, and raw bytes
    /// written when aligned. Empty while the bytes fit inline.
    @usableFromInline package var storage: [UInt8]
    /// The first full words, while `storage` is empty: `inlineBytes` of them are written. One
    /// word more than ``inlineCapacity``, for the tail ``finish()`` copies out with them.
    @usableFromInline var inline: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
    @usableFromInline var inlineBytes = 0
    /// Bits not yet flushed into a word of `inline` or `storage`, low bits first. Holds at
    /// most 63 bits.
    @usableFromInline package var scratch: UInt64 = 0
    @usableFromInline var scratchBits: Int = 0
    /// Bytes to reserve when the bytes first move to `storage` (the `capacity` asked for).
    @usableFromInline let reservedCapacity: Int
    /// Caps checked while writing, so nothing is written that a peer would refuse to read.
    package var limits: WireLimits = .default
    /// How many nested messages ``write(_:)-(Message)`` is inside: bounds recursion, as the
    /// reader's cap does.
    @usableFromInline var depth = 0

    /// Creates an empty writer that will reserve room for `capacity` bytes once its bytes
    /// outgrow the ones it holds inline (nothing is allocated before).
    @inlinable
    public init(capacity: Int = 64) {
        storage = []
        reservedCapacity = capacity
    }

    /// Bits in the word that `scratch` gathers before it is flushed.
    @usableFromInline static var wordBits: Int { UInt64.bitWidth }
    /// Bytes in that word.
    @usableFromInline static var wordBytes: Int { UInt64.bitWidth / 8 }
    /// Bytes of full words the writer holds before it needs an array: a 16-byte message with
    /// its id and a field or two.
    @usableFromInline static var inlineCapacity: Int { 32 }

    /// Number of bits written so far.
    @inlinable
    public var bitCount: Int { (inlineBytes &+ storage.count) &* 8 &+ scratchBits }

    /// The bytes written, the last one zero-padded, leaving the writer as it is (at most one
    /// allocation; ``finish()`` makes one only while the bytes are inline, and none after).
    package var bytes: [UInt8] {
        let tailBytes = (scratchBits &+ 7) &>> 3
        if storage.isEmpty {
            var result: [UInt8] = []
            inlineAndTail(tailBytes, into: &result)
            return result
        }
        if tailBytes == 0 { return storage }
        var result: [UInt8] = []
        result.reserveCapacity(storage.count &+ tailBytes)
        result.append(contentsOf: storage)
        withUnsafeBytes(of: scratch.littleEndian) {
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<tailBytes]))
        }
        return result
    }

    /// Flushes the last partial byte and hands over the bytes without copying them, leaving
    /// the writer empty.
    ///
    /// Mutating rather than `consuming`: Swift copies a `var` passed to a consuming method
    /// (a retain and a release per message), and a writer is almost always a local `var`.
    @inlinable
    public mutating func finish() -> [UInt8] {
        // A message that fits inline allocates here, once, exactly its size.
        let tailBytes = (scratchBits &+ 7) &>> 3
        guard storage.isEmpty else {
            appendScratchBytes(tailBytes)
            var bytes: [UInt8] = []
            swap(&bytes, &storage)
            return bytes
        }
        var bytes: [UInt8] = []
        inlineAndTail(tailBytes, into: &bytes)
        clearInline()
        return bytes
    }

    /// Bytes written so far, the last partial one counted.
    @inlinable
    package var byteCount: Int { (bitCount &+ 7) &>> 3 }

    /// Flushes the last partial byte and hands over the bytes as a message's, leaving the
    /// writer empty: held in the value itself while they fit the writer's inline words (no
    /// allocation at all), otherwise the writer's own array, not copied. (Raw bytes, as
    /// strings and byte arrays write them, always go to the array; such a message of up to
    /// ``MessageBytes/inlineCapacity`` bytes is copied into the value, so its array is freed
    /// here, on the encoding thread, not on the network thread that sends it.)
    @inlinable
    package mutating func finishMessage() -> MessageBytes {
        guard storage.isEmpty else { return MessageBytes(finish()) }
        let message = MessageBytes(words: inlineWordsWithTail, count: inlineBytes &+ (scratchBits &+ 7) &>> 3)
        clearInline()
        return message
    }

    /// The inline words with `scratch` stored right after the `inlineBytes` written (the
    /// fifth word is room for it): every byte so far, while none has gone to `storage`.
    @inlinable
    var inlineWordsWithTail: MessageBytes.Words {
        var words = inline
        withUnsafeMutableBytes(of: &words) {
            $0.storeBytes(of: scratch.littleEndian, toByteOffset: inlineBytes, as: UInt64.self)
        }
        return words
    }

    /// Empties a writer whose bytes were all inline and have been taken.
    @inlinable
    mutating func clearInline() {
        inlineBytes = 0
        scratch = 0
        scratchBits = 0
    }

    /// Appends the inline words, then the first `tailBytes` bytes of `scratch`, to `result`
    /// (empty), reserving exactly their count if it lacks the room.
    @inlinable
    func inlineAndTail(_ tailBytes: Int, into result: inout [UInt8]) {
        let count = inlineBytes &+ tailBytes
        guard count > 0 else { return }
        var words = inlineWordsWithTail
        // Reserved then appended: this `reserveCapacity` is specialized for bytes, where
        // `init(unsafeUninitializedCapacity:)` and `init(repeating:count:)` looked up their
        // storage type at run time (about 350 instructions more a message).
        if result.capacity < count { result.reserveCapacity(count) }
        withUnsafeBytes(of: &words) { result.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// Moves the inline words into `storage`, reserving room for `more` bytes after them
    /// (at least the capacity the writer was made for), so every later byte goes there.
    @usableFromInline
    mutating func spill(reserving more: Int) {
        let inlineCount = inlineBytes
        storage.reserveCapacity(Swift.max(reservedCapacity, inlineCount &+ more))
        var words = inline
        withUnsafeBytes(of: &words) {
            storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<inlineCount]))
        }
        inlineBytes = 0
    }

    /// Writes the low `count` bits of `value` (`count` in 0…64).
    @inlinable
    public mutating func writeBits(_ value: UInt64, count: Int) {
        precondition(count >= 0 && count <= Self.wordBits, "bit count \(count) outside 0...64")
        let masked = count == Self.wordBits ? value : value & ((1 &<< UInt64(count)) &- 1)
        let used = scratchBits
        let total = used &+ count
        guard total >= Self.wordBits else {
            scratch |= masked &<< UInt64(used)
            scratchBits = total
            return
        }
        fillWord(masked, count: count)
    }

    /// Writes `count` bits of `value` (already masked) that fill the scratch word: flushes it
    /// and keeps the bits that did not fit. Out of line, so the common write stays small.
    @usableFromInline
    mutating func fillWord(_ value: UInt64, count: Int) {
        let used = scratchBits
        let word = scratch | value &<< UInt64(used)
        let inlineCount = inlineBytes
        if storage.isEmpty, inlineCount < Self.inlineCapacity {
            withUnsafeMutableBytes(of: &inline) {
                $0.storeBytes(of: word.littleEndian, toByteOffset: inlineCount, as: UInt64.self)
            }
            inlineBytes = inlineCount &+ Self.wordBytes
        } else {
            if storage.isEmpty { spill(reserving: Self.wordBytes) }
            withUnsafeBytes(of: word.littleEndian) { storage.append(contentsOf: $0) }
        }
        // The bits of `value` that did not fit: its top `used + count - 64`, shifted down by
        // the `64 - used` that did (`&>>` by 64 would not shift at all).
        let spill = used &+ count &- Self.wordBits
        scratch = spill == 0 ? 0 : value &>> UInt64(Self.wordBits &- used)
        scratchBits = spill
    }

    /// Moves the low `count` bytes of `scratch` into `storage` (`count` ≤ 8; the bits past
    /// them must be dropped or already zero), after the inline words if any are left.
    @inlinable
    mutating func appendScratchBytes(_ count: Int) {
        let word = scratch.littleEndian
        withUnsafeBytes(of: word) { storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        scratch = count == Self.wordBytes ? 0 : scratch &>> UInt64(count &* 8)
        scratchBits = Swift.max(scratchBits &- count &* 8, 0)
    }

    /// Writes one bit.
    @inlinable
    public mutating func writeBool(_ value: Bool) {
        writeBits(value ? 1 : 0, count: 1)
    }

    /// Writes an unsigned integer in exactly `bits` bits (the value must fit).
    @inlinable
    public mutating func writeUInt(_ value: UInt64, bits: Int) {
        precondition(bits == 64 || value >> UInt64(bits) == 0, "\(value) does not fit in \(bits) bits")
        writeBits(value, count: bits)
    }

    /// Writes a fixed-width integer in its full width.
    @inlinable
    public mutating func writeFixed<T: FixedWidthInteger>(_ value: T) {
        writeBits(UInt64(truncatingIfNeeded: value), count: T.bitWidth)
    }

    /// Pads with zero bits to the next byte boundary.
    @inlinable
    mutating func alignToByte() {
        let pad = (8 - scratchBits % 8) % 8
        if pad > 0 { writeBits(0, count: pad) }
    }

    /// Appends raw bytes (fast when the writer is byte-aligned).
    @inlinable
    public mutating func writeRawBytes<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if scratchBits & 7 == 0 {
            let pending = scratchBits &>> 3
            // The first bytes to reach the array reserve what the writer was made for, as a
            // word flushed first would have.
            if storage.isEmpty { spill(reserving: pending &+ bytes.count) }
            appendScratchBytes(pending)
            storage.append(contentsOf: bytes)
        } else {
            for byte in bytes { writeBits(UInt64(byte), count: 8) }
        }
    }
}
