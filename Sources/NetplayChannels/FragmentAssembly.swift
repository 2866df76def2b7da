import NetplayBase

/// The fragments of one message received so far.
///
/// Each fragment is copied out of its payload (a slice would keep the whole payload alive
/// and make the memory accounting lie). ``overheadBytes`` is charged to the receive buffer
/// along with the data, so a peer announcing many large-count messages pays for the tables.
package struct FragmentAssembly: Sendable {
    package let count: Int
    package let startedAt: NetInstant
    private var pieces: [[UInt8]?]
    package private(set) var receivedCount = 0
    package private(set) var byteCount = 0

    package init(count: Int, startedAt: NetInstant) {
        self.count = count
        self.startedAt = startedAt
        pieces = Array(repeating: nil, count: count)
    }

    var isComplete: Bool { receivedCount == count }

    package func has(_ index: Int) -> Bool { index < count && pieces[index] != nil }

    /// Stores a fragment; returns `false` for a duplicate or an index out of range.
    package mutating func insert(_ index: Int, bytes: ArraySlice<UInt8>) -> Bool {
        guard index >= 0, index < count, pieces[index] == nil else { return false }
        pieces[index] = Array(bytes)
        receivedCount += 1
        byteCount += bytes.count
        return true
    }

    /// The message, once complete.
    func assembled() -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(byteCount)
        for piece in pieces { message += piece ?? [] }
        return message
    }

    /// Bookkeeping bytes for an assembly of `count` fragments.
    package static func overheadBytes(count: Int) -> Int { count * MemoryLayout<[UInt8]?>.stride }
}
