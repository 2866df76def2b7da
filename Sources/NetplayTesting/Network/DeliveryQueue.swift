import NetplayBase

/// Datagrams in flight on a ``MemoryNetwork``, ordered by arrival time and then by the order
/// they were sent, so that equal arrival times never depend on hashing or memory layout.
///
/// A binary min-heap: a soak test keeps thousands of datagrams in flight and pops them one by
/// one, so both operations must be O(log n).
package struct DeliveryQueue: Sendable {
    package struct Entry: Sendable {
        package var deliverAt: NetInstant
        /// Tie-breaker: the network-wide submission counter.
        package var sequence: UInt64
        package var from: PeerAddress
        package var to: PeerAddress
        package var bytes: [UInt8]

        func precedes(_ other: Entry) -> Bool {
            (deliverAt, sequence) < (other.deliverAt, other.sequence)
        }
    }

    private var heap: [Entry] = []

    package var count: Int { heap.count }
    package var isEmpty: Bool { heap.isEmpty }
    /// The earliest entry, without removing it.
    package var first: Entry? { heap.first }

    package mutating func insert(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due by `instant`.
    package mutating func popFirst(dueBy instant: NetInstant) -> Entry? {
        guard let first = heap.first, first.deliverAt <= instant else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
            if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
            guard smallest != parent else { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
