import NetplayBase

/// When a session's timers next run, from the deadlines it asks for: the rule both ways of
/// servicing a session's socket follows, on its network thread or the game's. A value with no
/// clock and no thread: the caller says when.
///
/// Two bounds: a firing starts at least `minimumSpacing` after the previous one *ended*, and
/// no sleep is longer than `maximumSleep`. Counting the spacing from the end matters: a body
/// slower than the spacing that asks for "now" again (a session retrying a large backlog)
/// would otherwise be due the moment it ended, for ever; on SwiftNIO's loop, which runs every
/// task already due before it reads its sockets (where the network thread ran until the
/// twenty-sixth stop of the fast path), that starved the socket for good.
package struct TickSchedule: Sendable {
    private let minimumSpacing: Duration
    private let maximumSleep: Duration
    private var isFiring = false
    /// While a firing runs: the earliest instant it asked for, taken once it has ended.
    private var requestedWhileFiring: NetInstant?
    private var lastEnded: NetInstant?

    package init(minimumSpacing: Duration, maximumSleep: Duration) {
        self.minimumSpacing = minimumSpacing
        self.maximumSleep = maximumSleep
    }

    /// The instant to fire by for a `deadline` asked for at `now` (nil: no work due, only the
    /// `maximumSleep` wake-up); nil while a firing runs, whose end takes the request.
    package mutating func request(_ deadline: NetInstant?, now: NetInstant) -> NetInstant? {
        let wanted = min(deadline ?? now + maximumSleep, now + maximumSleep)
        guard !isFiring else {
            requestedWhileFiring = min(requestedWhileFiring ?? wanted, wanted)
            return nil
        }
        return spaced(wanted)
    }

    /// A firing starts: requests wait for its end.
    package mutating func beginFiring() {
        isFiring = true
    }

    /// The firing ended at `ended`; returns when the next one is due (what it asked for, or
    /// the `maximumSleep` wake-up if nothing).
    package mutating func endFiring(at ended: NetInstant) -> NetInstant {
        isFiring = false
        lastEnded = ended
        let wanted = requestedWhileFiring ?? ended + maximumSleep
        requestedWhileFiring = nil
        return spaced(wanted)
    }

    private func spaced(_ wanted: NetInstant) -> NetInstant {
        lastEnded.map { max(wanted, $0 + minimumSpacing) } ?? wanted
    }
}
