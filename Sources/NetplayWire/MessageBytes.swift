/// A message's encoded bytes on their way out: up to ``inlineCapacity`` of them held in the
/// value itself, longer ones in an array.
///
/// A game's typical message (an input, an event, a position) encodes to a few dozen bytes.
/// Kept in an array, each cost a `malloc` on the game's thread and a `free` on the network
/// thread once its channel was done with it, about 400 instructions a message, and a pool of
/// spent arrays handed back between the threads only helped while a burst stayed within the
/// pool. Held inline, such a message touches the heap nowhere between `send` and the packet
/// it leaves in, however many are sent at once; and a copy for each of several recipients
/// is a copy of a few words, not a shared buffer's reference count.
@usableFromInline
package struct MessageBytes: Sendable {
    /// Storage for the inline bytes: five words, as a ``BitWriter`` holds them.
    @usableFromInline typealias Words = (UInt64, UInt64, UInt64, UInt64, UInt64)

    /// The bytes while they fit; unused when `heap` holds them.
    @usableFromInline var words: Words
    /// How many bytes of `words` are the message's.
    @usableFromInline var inlineCount: UInt8
    /// The bytes of a message too long for `words`. A struct with an optional array, not an
    /// enum of the two: copied (once a message per channel it enters, and per recipient),
    /// a struct is a few moves and a retain the compiler writes in place, where the enum's
    /// copy went through an outlined switch, about 190 instructions a message in all
    /// (callgrind).
    @usableFromInline var heap: [UInt8]?

    /// The most bytes held inline: the four full words a ``BitWriter`` holds before it needs
    /// an array, and its last partial word.
    @inlinable
    package static var inlineCapacity: Int { MemoryLayout<Words>.size }

    /// No bytes.
    @inlinable
    package init() {
        words = (0, 0, 0, 0, 0)
        inlineCount = 0
        heap = nil
    }

    /// Bytes that ``BitWriter/finishMessage()`` left in its five words.
    @inlinable
    init(words: Words, count: Int) {
        self.words = words
        inlineCount = UInt8(truncatingIfNeeded: count)
        heap = nil
    }

    /// The bytes a ``BitWriter`` handed over in its own array, kept there.
    @inlinable
    init(array: [UInt8]) {
        words = (0, 0, 0, 0, 0)
        inlineCount = 0
        heap = array
    }

    /// `bytes`, inline when they fit (a copy), otherwise the array itself.
    @inlinable
    package init(_ bytes: [UInt8]) {
        guard bytes.count <= Self.inlineCapacity else {
            self.init(array: bytes)
            return
        }
        var words: Words = (0, 0, 0, 0, 0)
        bytes.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
        self.init(words: words, count: bytes.count)
    }

    /// Whether the bytes are held in the value itself.
    @inlinable
    package var isInline: Bool { heap == nil }

    /// Number of bytes.
    @inlinable
    package var count: Int { heap?.count ?? Int(inlineCount) }

    /// Calls `body` with the bytes, valid only inside it.
    @inlinable
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        if let heap { return try heap.withUnsafeBytes(body) }
        return try Swift.withUnsafeBytes(of: words) {
            try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(inlineCount)]))
        }
    }

    /// Moves the bytes out, leaving none: for a message that is handed on (to a channel's
    /// queue) from a place that keeps its slot a while longer. A swap of the value's words,
    /// where a copy went through its value witness and retained its array, some 50
    /// instructions a message.
    @inlinable
    package mutating func take() -> MessageBytes {
        var taken = MessageBytes()
        swap(&taken, &self)
        return taken
    }

    /// The bytes as an array (a copy when they are inline): for the rare paths that keep or
    /// decode them whole.
    package var array: [UInt8] { heap ?? withUnsafeBytes { Array($0) } }
}

extension MessageBytes: Equatable {
    @usableFromInline
    package static func == (lhs: MessageBytes, rhs: MessageBytes) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.elementsEqual(right) } }
    }
}
