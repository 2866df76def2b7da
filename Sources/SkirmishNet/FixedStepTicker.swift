/// Turns wall-clock time into whole simulation ticks at `SkirmishCore/SkirmishRules/ticksPerSecond`.
///
/// A frame that comes late runs the ticks it missed, but never more than ``maxCatchUp``: after
/// a long stall (a debugger, a suspended laptop) the game skips ahead instead of freezing in a
/// burst of catch-up ticks.
struct FixedStepTicker: Sendable {
    /// Most ticks one frame may run: 5 ticks is a 166 ms hiccup absorbed invisibly.
    static let maxCatchUp = 5

    let start: ContinuousClock.Instant
    let tickDuration: Duration
    private(set) var ticksAccounted = 0

    init(start: ContinuousClock.Instant, ticksPerSecond: Int) {
        self.start = start
        tickDuration = .seconds(1) / ticksPerSecond
    }

    /// How many ticks to run now.
    mutating func ticksDue(at now: ContinuousClock.Instant) -> Int {
        let target = Int((now - start) / tickDuration)
        var due = target - ticksAccounted
        if due > Self.maxCatchUp {
            due = Self.maxCatchUp
        }
        due = max(due, 0)
        ticksAccounted = max(ticksAccounted + due, target - Self.maxCatchUp)
        return due
    }
}
