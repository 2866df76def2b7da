/// Spaces a fleet's inputs over one frame when ``Workload/loadSpreadsInputs`` asks for it: the
/// client at `index` of `count` sends `index / count` of a frame after the frame began (when
/// the spread was made). Otherwise every turn is now, as the figure has always run.
public struct InputSpread {
    private let start = Stopwatch.nanoseconds()
    private let count: Int

    public init(count: Int) { self.count = max(count, 1) }

    /// Sleeps until the turn of the client at `index`, if inputs are spread.
    public func waitForTurn(of index: Int) {
        guard Workload.loadSpreadsInputs, index > 0 else { return }
        let frame = UInt64(Double(Stopwatch.nanosecondsPerSecond) / Workload.inputHertz)
        Stopwatch.sleep(until: start + frame * UInt64(index) / UInt64(count))
    }
}
