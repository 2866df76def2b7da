import Synchronization

/// What a one-way receiver has seen, shared with the sending thread: how many messages, when
/// the last arrived, and when the sender finished. Every throughput measurement uses it, so
/// all contenders end their clocks by the same rule.
public final class DeliveryCounters: Sendable {
    private let receivedCount = Atomic<Int>(0)
    private let lastArrival = Atomic<UInt64>(0)
    private let senderFinished = Atomic<UInt64>(0)

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

    /// Records `count` arrivals now.
    public func recordArrival(count: Int = 1) {
        receivedCount.add(count, ordering: .relaxed)
        Self.processArrivals.add(count, ordering: .relaxed)
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

    /// Messages per second from `start` (a ``Stopwatch`` time) to the last arrival.
    public func rate(since start: UInt64) -> Double? {
        let elapsed = Double(lastArrival.load(ordering: .acquiring) &- start) / 1e9
        return elapsed > 0 && received > 0 ? Double(received) / elapsed : nil
    }
}
