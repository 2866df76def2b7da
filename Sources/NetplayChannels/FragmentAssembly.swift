import NetplayBase

/// The fragments of one message received so far, stored sparsely: only the fragments that
/// arrived take memory, plus one bit per announced fragment.
///
/// A peer can announce a message of up to ~900 fragments and send only the first. A table
/// with a slot per announced fragment (8 bytes each) cost 7 KB per such message while
/// holding 1 KB of data, so memory grew far faster than the bytes stored. Here an assembly
/// holds a bitset (1 bit per fragment), the pieces that arrived in arrival order, and
/// ``footprint`` — what it really holds, bookkeeping included — is what the receive buffer is
/// charged.
package struct FragmentAssembly: Sendable {
    package let count: Int
    package let startedAt: NetInstant
    /// Bit `i` set: fragment `i` arrived.
    private var arrived: [UInt64]
    /// The fragments that arrived, in arrival order.
    private var pieces: [(index: Int, bytes: [UInt8])] = []
    package private(set) var byteCount = 0

    package init(count: Int, startedAt: NetInstant) {
        self.count = count
        self.startedAt = startedAt
        arrived = Array(repeating: 0, count: Self.bitsetWords(count: count))
        pieces.reserveCapacity(1)
    }

    package var receivedCount: Int { pieces.count }

    var isComplete: Bool { receivedCount == count }

    package func has(_ index: Int) -> Bool {
        guard index >= 0, index < count else { return false }
        return arrived[index / UInt64.bitWidth] & (1 << UInt64(index % UInt64.bitWidth)) != 0
    }

    /// Stores a fragment; returns `false` for a duplicate or an index out of range.
    package mutating func insert(_ index: Int, bytes: ArraySlice<UInt8>) -> Bool {
        guard index >= 0, index < count, !has(index) else { return false }
        arrived[index / UInt64.bitWidth] |= 1 << UInt64(index % UInt64.bitWidth)
        // Copied out of its payload: a slice would keep the whole payload alive and make the
        // accounting lie.
        pieces.append((index, Array(bytes)))
        byteCount += bytes.count
        return true
    }

    /// The message, once complete.
    func assembled() -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(byteCount)
        for piece in pieces.sorted(by: { $0.index < $1.index }) { message += piece.bytes }
        return message
    }

    /// Bytes this assembly holds: data, the per-piece bookkeeping and the fixed cost.
    package var footprint: Int { Self.startBytes(count: count) + byteCount + receivedCount * Self.pieceOverheadBytes }

    /// The bytes its arrays have allocated (headers and capacity), without malloc's rounding
    /// or the slot that holds it: what ``footprint`` must never fall below.
    var allocatedBytes: Int {
        let header = Self.arrayHeaderBytes
        return header + arrived.capacity * MemoryLayout<UInt64>.stride + header + pieces.capacity
            * MemoryLayout<(index: Int, bytes: [UInt8])>.stride
            + pieces.reduce(0) { $0 + header + $1.bytes.capacity }
    }

    /// A Swift array's heap header: reference count, metadata, count and capacity.
    static let arrayHeaderBytes = 32

    /// What an empty assembly for `count` fragments costs: the bitset and the fixed cost.
    package static func startBytes(count: Int) -> Int {
        assemblyOverheadBytes + bitsetWords(count: count) * MemoryLayout<UInt64>.stride
    }

    /// What storing one piece of `bytes` data costs.
    package static func pieceBytes(_ bytes: Int) -> Int { bytes + pieceOverheadBytes }

    private static func bitsetWords(count: Int) -> Int { (max(count, 0) + UInt64.bitWidth - 1) / UInt64.bitWidth }

    /// Per piece beyond its data: its array's 32-byte header and malloc's rounding (16), and
    /// its entry in `pieces` (16 bytes, doubled for the array's growth slack).
    static let pieceOverheadBytes = 80
    /// Per assembly: its slot in the receiving channel's table (with the dictionary's load
    /// factor and growth), and the headers and rounding of its two arrays. Measured with
    /// `netplay attack reassembly` to within a few percent of the host's RSS growth, when the
    /// table was a dictionary. Its ring (`ReliableReceiveChannel`) is now charged on its own,
    /// so the slot's part is margin, kept until the attack is measured again.
    static let assemblyOverheadBytes = 256
    /// The part of ``assemblyOverheadBytes`` that paid for the assembly's slot in its channel's
    /// table rather than for its own arrays.
    static let slotAllowanceBytes = 128
}
