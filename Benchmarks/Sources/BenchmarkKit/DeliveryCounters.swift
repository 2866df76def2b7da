import Synchronization

/// What a one-way receiver has seen, shared with the sending thread: how many messages, when
/// the last arrived, and when the sender finished. Every throughput measurement uses it, so
/// all contenders end their clocks by the same rule.
public final class DeliveryCounters: Sendable {
    private let receivedCount = Atomic<Int>(0)
    /// When an arrival was last stamped (see ``recordArrival(count:)``), and how many had
    /// arrived by then.
    private let lastArrival = Atomic<UInt64>(0)
    private let stampedCount = Atomic<Int>(0)
    private let senderFinished = Atomic<UInt64>(0)

    /// Arrivals per reading of the clock. Read at every arrival (until the thirty-first stop),
    /// the clock was 5 % of a Netplay stream's samples (`perf record`, the receiving task's
    /// `clock_gettime`): a cost of the measurement, paid by every contender's receiver, not
    /// of the library measured. 64 arrivals take some 20 µs of a stream of half a second.
    static let arrivalsPerStamp = 64

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

    /// Records `count` arrivals now. The clock is read when the total passes a multiple of
    /// ``arrivalsPerStamp``: the rate is that many arrivals over the time they took.
    public func recordArrival(count: Int = 1) {
        let (before, after) = receivedCount.add(count, ordering: .relaxed)
        Self.processArrivals.add(count, ordering: .relaxed)
        guard after / Self.arrivalsPerStamp != before / Self.arrivalsPerStamp else { return }
        stampedCount.store(after, ordering: .relaxed)
        lastArrival.store(Stopwatch.nanoseconds(), ordering: .releasing)
    }

    /// The sender has handed over its last message.
    public func markSenderFinished() {
        senderFinished.store(Stopwatch.nanoseconds(), ordering: .releasing)
    }

    /// Messages received so far.
    public var received: Int { receivedCount.load(ordering: .acquiring) }

    /// Whether the receiver is done: it has all `expected`, or, in an unreliable flow, the
    /// sender finished and nothing arrived for ``Workload/unreliableQuietPeriodSeconds`` (the
    /// rest was dropped).
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
        let elapsed = Double(lastArrival.load(ordering: .acquiring) &- start) / 1e9
        let stamped = stampedCount.load(ordering: .relaxed)
        return elapsed > 0 && stamped > 0 ? Double(stamped) / elapsed : nil
    }
}
