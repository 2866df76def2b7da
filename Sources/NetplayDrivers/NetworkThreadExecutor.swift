import NIOConcurrencyHelpers
import NIOCore

/// A task executor that runs jobs on a driver's event loop: async code that prefers it
/// (`Task(executorPreference:)`, `withTaskExecutorPreference`) runs on the network thread,
/// so an event reaches it and its reply reaches the socket without a thread hand-off.
///
/// Each hand-off costs a futex wake and a context switch, 10–20 µs on a loopback round trip
/// that is otherwise a few microseconds of work: a reader task on Swift's global pool is
/// woken from the loop for every batch of events, and every send from it wakes the loop
/// again. On the loop, a resumed reader is queued behind the read burst that resumed it, and
/// its sends join the loop's own queue, where SwiftNIO skips the wake-up.
///
/// After the loop is retired (its driver is closing a thread of its own), jobs go to Swift's
/// global executor instead, so a task that awaits the close resumes there rather than on a
/// loop that would refuse it and leave it suspended forever.
package final class NetworkThreadExecutor: TaskExecutor {
    private let loop: any EventLoop
    /// False once the loop may be shutting down.
    private let loopAccepts = NIOLockedValueBox(true)

    package init(loop: any EventLoop) {
        self.loop = loop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // Under the lock, so `retireLoop` cannot slip between the check and the hand-over.
        let onLoop = loopAccepts.withLockedValue { accepts in
            if accepts { loop.execute { job.runSynchronously(on: executor) } }
            return accepts
        }
        if !onLoop { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }

    /// From now on jobs run on the global executor: called before the loop shuts down. Jobs
    /// already queued run on the loop, which drains its queue before it stops.
    package func retireLoop() {
        loopAccepts.withLockedValue { $0 = false }
    }
}
