extension Array {
    /// Returns every element and leaves the array empty, with room reserved for as many as
    /// were taken: a queue drained once a tick then refills without regrowing step by step
    /// (one allocation per drain instead of one per doubling), and an empty drain allocates
    /// nothing.
    ///
    /// `@inlinable` so that each caller specializes it: called unspecialized from another
    /// module, it looked up generic metadata at run time on every drain (some 200
    /// instructions, several drains per datagram on a host).
    @inlinable
    package mutating func takeAll() -> [Element] {
        guard !isEmpty else { return [] }
        let taken = self
        self = []
        reserveCapacity(taken.count)
        return taken
    }
}

extension Array {
    /// Moves every element into `buffer` (emptied first) and leaves this array empty with the
    /// buffer's old room: the two trade storage, so an owner that drains into the same buffer
    /// each time, and empties it keeping its room, allocates nothing here. For a queue whose
    /// elements are handled at once and dropped; ``takeAll()`` for one that hands them on.
    @inlinable
    package mutating func takeAll(into buffer: inout [Element]) {
        buffer.empty()
        swap(&self, &buffer)
    }
}

extension Array {
    /// Lends this buffer out: returns it, room and all, and leaves this empty. For a scratch
    /// buffer its owner keeps for its room but must not hold while it uses it: the owner can
    /// be changed in place meanwhile (no overlapping access), and a nested use finds an empty
    /// buffer instead of one being walked. Give it back with ``takeBack(_:)``. Also moves an
    /// array out of a value for good (a sent message's bytes, to a pool) without a copy.
    @inlinable
    package mutating func lend() -> [Element] {
        var lent: [Element] = []
        swap(&self, &lent)
        return lent
    }

    /// Takes back a buffer ``lend()`` gave out, emptied, keeping its room.
    @inlinable
    package mutating func takeBack(_ lent: inout [Element]) {
        lent.empty()
        swap(&self, &lent)
    }
}

extension Array {
    /// Removes every element and keeps the room: `removeAll(keepingCapacity: true)`, skipped
    /// when there is nothing to remove. The standard library empties through the generic
    /// `replaceSubrange`, some 60–80 instructions even for an empty array, and the hot path
    /// empties its kept lists about 40 times a round trip, most of them already empty.
    ///
    /// A list of a few elements (a packet's one or two entries, its one message, a datagram's
    /// one event) is emptied from its end instead: `replaceSubrange` cost 80–160 instructions
    /// for one element, `removeLast()` a few dozen.
    @inlinable
    package mutating func empty() {
        if count <= 4 {
            while !isEmpty { removeLast() }
        } else {
            removeAll(keepingCapacity: true)
        }
    }
}

extension Array {
    /// Moves the element at `index` out, leaving `placeholder` in its place: no copy of it,
    /// so a buffer it holds keeps a single reference (a copy is a retain, and a release when
    /// the list lets go of the original).
    @inlinable
    package mutating func take(at index: Int, leaving placeholder: consuming Element) -> Element {
        var taken = placeholder
        swap(&taken, &self[index])
        return taken
    }
}
