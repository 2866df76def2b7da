import Foundation

/// Milliseconds since 1970 on this machine's wall clock: the one clock every process (and
/// every network namespace) on a machine shares, so a test can compare a stream's timings
/// with the moment it restored a link or continued a process.
enum WallClock {
    static var milliseconds: UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }
}

/// The sending half of a reliable stream: numbered messages at a steady rate, none skipped.
struct StreamSender {
    let interval: Duration
    /// The next number to send; also how many were sent.
    private(set) var next: UInt32 = 0
    /// Sends the queue refused (full); the same number is tried again next time.
    private(set) var refusals = 0
    private var due: ContinuousClock.Instant

    /// Most messages sent in one call: a sender that falls behind (a busy machine) catches up
    /// over a few calls instead of in one burst.
    static let maxBurst = 8

    init(perSecond: Int, now: ContinuousClock.Instant) {
        interval = .seconds(1) / max(perSecond, 1)
        due = now
    }

    /// Sends what is due at `now` through `send`, which returns false if the message was not
    /// queued. A paused process does not make up for the time it was stopped: the rate is
    /// steady from where it woke.
    mutating func pump(now: ContinuousClock.Instant, _ send: (ToolProtocol.Numbered) -> Bool) {
        if now - due > .seconds(1) { due = now }
        var burst = 0
        while due <= now, burst < Self.maxBurst {
            guard send(ToolProtocol.Numbered(sequence: next, sentAtMilliseconds: WallClock.milliseconds)) else {
                refusals += 1
                return
            }
            next += 1
            due += interval
            burst += 1
        }
    }
}

/// The receiving half: checks that every number arrives exactly once and in order, and notes
/// each stall (a silence well over the sending interval) with when the stream came back and
/// when what queued up meanwhile had all arrived.
struct StreamReceiver {
    /// A silence in the stream.
    struct Stall: Equatable {
        /// The last arrival before the silence.
        var silentFromMs: UInt64
        /// The first arrival after it.
        var resumedAtMs: UInt64
        /// Messages sent before `resumedAtMs` that arrived from then on: the backlog.
        var backlog = 1
        /// When the last of the backlog arrived.
        var backlogDeliveredAtMs: UInt64
        /// When the first message sent after `resumedAtMs` arrived (the stream is live again).
        var caughtUpAtMs: UInt64?

        var json: [String: Any] {
            [
                "silentFromMs": silentFromMs, "resumedAtMs": resumedAtMs, "backlog": backlog,
                "backlogDeliveredAtMs": backlogDeliveredAtMs, "caughtUpAtMs": caughtUpAtMs ?? NSNull(),
                "silentMs": resumedAtMs - silentFromMs,
            ]
        }
    }

    /// A silence this long counts as a stall: many sending intervals, well under the 1 s after
    /// which the session reports an interruption.
    static let stallThresholdMs: UInt64 = 300

    private(set) var received = 0
    private(set) var duplicates = 0
    /// Arrivals ahead of the next expected number (some number was skipped).
    private(set) var outOfOrder = 0
    /// The next number expected.
    private(set) var expected: UInt32 = 0
    private var lastArrivalMs: UInt64?
    private var open: Stall?

    /// Takes one arrival; returns a stall that it ended, if any.
    mutating func receive(_ message: ToolProtocol.Numbered, atMs now: UInt64) -> Stall? {
        received += 1
        if message.sequence == expected {
            expected += 1
        } else if message.sequence < expected {
            duplicates += 1
        } else {
            outOfOrder += 1
            expected = message.sequence + 1
        }
        defer { lastArrivalMs = now }
        // A silence within a stall's backlog belongs to that stall: the backlog has all
        // arrived only when a message sent after the stream came back does.
        guard var stall = open else {
            if let last = lastArrivalMs, now >= last + Self.stallThresholdMs {
                open = Stall(silentFromMs: last, resumedAtMs: now, backlogDeliveredAtMs: now)
            }
            return nil
        }
        if message.sentAtMilliseconds < stall.resumedAtMs {
            stall.backlog += 1
            stall.backlogDeliveredAtMs = now
            open = stall
            return nil
        }
        stall.caughtUpAtMs = now
        open = nil
        return stall
    }

    /// A stall still waiting for its first live message (reported at the end of a run).
    var unfinishedStall: Stall? { open }
}
