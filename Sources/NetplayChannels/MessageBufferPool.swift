/// The storage of messages a channel is done with (acknowledged, or sent once if unreliable),
/// kept for the next messages the game encodes.
///
/// A message is encoded into an array on the game's thread, and that array lives until the
/// network thread's channel lets it go, often on another thread. Freed there, every message
/// cost a `malloc` on one thread and a `free` on the other, which glibc's per-thread caches
/// cannot serve (about 400 instructions a message, and the last allocation of a message's
/// steady state). A session moves the pool its channels filled to its send buffer once a
/// tick, and `send` encodes into a buffer taken from there.
///
/// Bounded twice: only small buffers are kept (`send` reuses one only for a message that fits
/// the writer's inline words, and a large message's allocation is small beside its bytes),
/// and only up to ``maxHeldBytes`` of them a pool. A session has two pools at most (the core's
/// and the send buffer's spares), so a burst leaves no more than twice that behind. Only the
/// storage of a message sent to one peer comes here (see `ChannelEndpoint.enqueue`).
package struct MessageBufferPool: Sendable {
    private var buffers: [[UInt8]] = []
    /// Heap held by `buffers`, counted as ``heldCost(ofCapacity:)`` each.
    package private(set) var heldBytes = 0

    package init() {}

    /// Buffers held.
    package var count: Int { buffers.count }
    package var isEmpty: Bool { buffers.isEmpty }
    /// Whether the list has room for buffers without growing (a pool handed back and forth
    /// keeps it; a new one has none).
    package var hasRoom: Bool { buffers.capacity > 0 }

    /// Keeps the storage of `bytes` if it is small and the pool has room, leaving `bytes`
    /// empty either way.
    package mutating func recycle(_ bytes: inout [UInt8]) {
        let capacity = bytes.capacity
        let cost = Self.heldCost(ofCapacity: capacity)
        guard capacity > 0, capacity <= Self.maxBufferCapacity, heldBytes + cost <= Self.maxHeldBytes else {
            bytes = []
            return
        }
        var kept: [UInt8] = []
        swap(&kept, &bytes)
        buffers.append(kept)
        heldBytes += cost
    }

    /// An empty array, with the room of a buffer kept here if there is one. (Were that
    /// storage still shared, with a copy of the message another recipient's channel holds,
    /// emptying it makes a new one: never wrong, only no saving.)
    package mutating func take() -> [UInt8] {
        guard var buffer = buffers.popLast() else { return [] }
        heldBytes -= Self.heldCost(ofCapacity: buffer.capacity)
        buffer.empty()
        return buffer
    }

    /// Moves `other`'s buffers in, as many as the budget allows (the rest are freed), and
    /// leaves `other` empty. Both lists keep their room: pools handed back and forth between
    /// threads allocate nothing for themselves.
    package mutating func absorb(_ other: inout MessageBufferPool) {
        if buffers.isEmpty {
            // The whole list at once: no buffer is touched, and `other` gets this empty list.
            swap(&self, &other)
            return
        }
        while var buffer = other.buffers.popLast() {
            other.heldBytes -= Self.heldCost(ofCapacity: buffer.capacity)
            recycle(&buffer)
        }
    }

    /// What a buffer of `capacity` bytes holds of the heap: its bytes, the array's 32-byte
    /// header and glibc's 16 bytes of chunk overhead.
    package static func heldCost(ofCapacity capacity: Int) -> Int { capacity + 48 }

    /// The largest buffer kept: room for any message `send` copies from the writer's inline
    /// words (at most 40 bytes), and for the 64 bytes a writer reserves once they spill, so a
    /// small message never sits in a large buffer.
    package static let maxBufferCapacity = 64
    /// The most a pool holds: about 900 buffers of a 16-byte message (24 bytes of room
    /// each), a few ticks' worth of a fast stream.
    package static let maxHeldBytes = 64 * 1024
}
