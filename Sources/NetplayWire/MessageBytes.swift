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

    @usableFromInline enum Storage: Sendable {
        case inline(Words, count: UInt8)
        case array([UInt8])
    }

    @usableFromInline var storage: Storage

    /// The most bytes held inline: the four full words a ``BitWriter`` holds before it needs
    /// an array, and its last partial word.
    @inlinable
    package static var inlineCapacity: Int { MemoryLayout<Words>.size }

    /// No bytes.
    @inlinable
    package init() {
        storage = .inline((0, 0, 0, 0, 0), count: 0)
    }

    @inlinable
    init(storage: Storage) {
        self.storage = storage
    }

    /// Bytes that ``BitWriter/finishMessage()`` left in its five words.
    @inlinable
    init(words: Words, count: Int) {
        storage = .inline(words, count: UInt8(truncatingIfNeeded: count))
    }

    /// `bytes`, inline when they fit (a copy), otherwise the array itself.
    @inlinable
    package init(_ bytes: [UInt8]) {
        guard bytes.count <= Self.inlineCapacity else {
            storage = .array(bytes)
            return
        }
        var words: Words = (0, 0, 0, 0, 0)
        bytes.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: source) }
        }
        storage = .inline(words, count: UInt8(bytes.count))
    }

    /// Number of bytes.
    @inlinable
    package var count: Int {
        switch storage {
        case .inline(_, let count): return Int(count)
        case .array(let bytes): return bytes.count
        }
    }

    /// Calls `body` with the bytes, valid only inside it.
    @inlinable
    package func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        switch storage {
        case .inline(let words, let count):
            return try Swift.withUnsafeBytes(of: words) {
                try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(count)]))
            }
        case .array(let bytes):
            return try bytes.withUnsafeBytes(body)
        }
    }

    /// Lets go of an array's storage, leaving no bytes: for a removed element a queue keeps
    /// until it compacts, which would otherwise keep the array alive. Inline bytes hold
    /// nothing and are left as they are.
    @inlinable
    package mutating func releaseStorage() {
        if case .array = storage { self = MessageBytes() }
    }

    /// The bytes as an array (a copy when they are inline): for the rare paths that keep or
    /// decode them whole.
    package var array: [UInt8] {
        switch storage {
        case .inline: return withUnsafeBytes { Array($0) }
        case .array(let bytes): return bytes
        }
    }
}

extension MessageBytes: Equatable {
    @usableFromInline
    package static func == (lhs: MessageBytes, rhs: MessageBytes) -> Bool {
        lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in left.elementsEqual(right) } }
    }
}
