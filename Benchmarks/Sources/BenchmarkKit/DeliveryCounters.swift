import Synchronization

/// What a one-way receiver has seen, shared with the sending thread: how many messages, when
/// the latest were stamped, and when the sender finished. Every throughput measurement uses
/// it, so all contenders end their clocks by the same rule. One receiving thread records.
public final class DeliveryCounters: Sendable {
    private let receivedCount = Atomic<Int>(0)
    /// When arrivals were last stamped (see ``recordArrival(count:)``), and how many had
    /// arrived by then. Written time first, count second (releasing), read count first
    /// (acquiring): a reader may pair a count with a later time, never with an earlier one,
    /// so a rate read while the receiver still runs can only come out low.
    private let lastArrival = Atomic<UInt64>(0)
    private let stampedCount = Atomic<Int>(0)
    private let senderFinished = Atomic<UInt64>(0)

    /// Arrivals per reading of the clock, past the first few. Read at every arrival, the clock
    /// was 5 % of a Netplay stream's samples (`perf record`, the receiving task's
    /// `clock_gettime`): a cost of the measurement, paid by every contender's receiver, not of
    /// the library measured. The arrivals after the last stamp (at most 63) drop out of both
    /// the count and the time of the rate.
    private static let arrivalsPerStamp = 64

    /// Arrivals recorded by every counter in this process: what `netplay-bench stream` reports
    /// as delivered, to divide an instruction count by.
    public static var processTotal: Int { processArrivals.load(ordering: .acquiring) }
    private static let processArrivals = Atomic<Int>(0)

    /// Whether every message must arrive (a reliable flow): then the receiver waits for all of
    /// them, bounded by the run's timeout, however long a gap. Under callgrind's fifty-fold
    /// slowdown a reliable stream can pause past the quiet period and was cut short.
    private let everyMessageArrives: Bool

    public init(everyMessageArrives: Bool = false) {
        self.everyMessageArrives = everyMessageArrives
    }

    /// Records `count` arrivals now. The clock is read at each of the first
    /// ``arrivalsPerStamp`` arrivals (a short run still has a rate) and then whenever the total
    /// passes a multiple of it: the rate is the arrivals counted at the last reading over the
    /// time from the start to it.
    public func recordArrival(count: Int = 1) {
        let (before, after) = receivedCount.add(count, ordering: .relaxed)
        Self.processArrivals.add(count, ordering: .relaxed)
        let stamps = after <= Self.arrivalsPerStamp || after / Self.arrivalsPerStamp != before / Self.arrivalsPerStamp
        guard stamps else { return }
        lastArrival.store(Stopwatch.nanoseconds(), ordering: .relaxed)
        stampedCount.store(after, ordering: .releasing)
    }

    /// The sender has handed over its last message.
    public func markSenderFinished() {
        senderFinished.store(Stopwatch.nanoseconds(), ordering: .releasing)
    }

    /// Messages received so far.
    public var received: Int { receivedCount.load(ordering: .acquiring) }

    /// Whether the receiver is done: it has all `expected`, or, in an unreliable flow, the
    /// sender finished and nothing was stamped for ``Workload/unreliableQuietPeriodSeconds``
    /// (the rest was dropped; up to 63 arrivals after the last stamp do not restart the wait).
    public func receiverMayStop(expected: Int) -> Bool {
        if received >= expected { return true }
        guard !everyMessageArrives else { return false }
        let finished = senderFinished.load(ordering: .acquiring)
        guard finished != 0 else { return false }
        return Stopwatch.seconds(since: max(finished, lastArrival.load(ordering: .acquiring)))
            > Workload.unreliableQuietPeriodSeconds
    }

    /// Messages per second from `start` (a ``Stopwatch`` time) to the last stamped arrival.
    public func rate(since start: UInt64) -> Double? {
        let stamped = stampedCount.load(ordering: .acquiring)
        let elapsed = Double(lastArrival.load(ordering: .relaxed) &- start) / 1e9
        return elapsed > 0 && stamped > 0 ? Double(stamped) / elapsed : nil
    }
}
