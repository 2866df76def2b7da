extension Array {
    /// Returns every element and leaves the array empty, with room reserved for as many as
    /// were taken: a queue drained once a tick then refills without regrowing step by step
    /// (one allocation per drain instead of one per doubling), and an empty drain allocates
    /// nothing.
    package mutating func takeAll() -> [Element] {
        guard !isEmpty else { return [] }
        let taken = self
        self = []
        reserveCapacity(taken.count)
        return taken
    }
}
