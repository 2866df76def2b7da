import Foundation
import Synchronization

/// A sender on its own thread, as fast as the kernel takes datagrams, until stopped: the
/// attacker's side of the flood scenarios. Sockets are made on the thread and never leave it.
final class Flood: Sendable {
    private let stopped = Atomic(false)
    private let finished = Atomic(false)
    private let sent = Atomic(0)

    /// Starts flooding: `setUp` runs once on the thread and returns the send step, which is
    /// called in a loop and returns how many datagrams it sent.
    init(_ setUp: @escaping @Sendable () -> (() -> Int)) {
        let thread = Thread { [self] in
            let step = setUp()
            while !stopped.load(ordering: .relaxed) { sent.add(step(), ordering: .relaxed) }
            finished.store(true, ordering: .releasing)
        }
        thread.start()
    }

    var datagramsSent: Int { sent.load(ordering: .relaxed) }

    /// Stops the thread and waits (bounded) until it has.
    func stop() async {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<Self.stopPolls where !finished.load(ordering: .acquiring) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// 5 s of 10 ms polls.
    static let stopPolls = 500
}
