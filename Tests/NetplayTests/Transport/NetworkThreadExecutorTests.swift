import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import NetplayDrivers

extension TransportTests {
    /// The task executor over an event loop: jobs run on the loop while it lives, and on
    /// Swift's pool once it is retired, so no task is left suspended on a stopped loop.
    @Suite struct NetworkThreadExecutorTests {
        @Test func jobsRunOnTheLoopUntilItIsRetired() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            let executor = NetworkThreadExecutor(loop: loop)

            // Every step of a task that prefers the executor runs on the loop, across suspensions.
            let stepping = Task(executorPreference: executor) { () -> [Bool] in
                var steps = [loop.inEventLoop]
                for _ in 0..<3 {
                    await Task.yield()
                    try? await Task.sleep(for: .milliseconds(1))
                    steps.append(loop.inEventLoop)
                }
                return steps
            }
            #expect(await boundedValue(of: stepping, within: .seconds(10)) == [true, true, true, true])

            executor.retireLoop()
            try await group.shutdownGracefully()
            // The loop refuses work now; the executor's jobs run on Swift's pool instead. (Off
            // the loop, `inEventLoop` is false whatever happens: what fails here is a job
            // handed to the stopped loop, which never runs, and the wait ends with nil.)
            let afterRetirement = Task(executorPreference: executor) { () -> Bool in
                await Task.yield()
                return loop.inEventLoop
            }
            #expect(await boundedValue(of: afterRetirement, within: .seconds(10)) == false)
        }

        /// A job already queued when the loop is retired still runs there: the loop drains its
        /// queue before it stops, so retiring sends only later jobs elsewhere.
        @Test func jobsQueuedBeforeRetirementRunOnTheLoop() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            let executor = NetworkThreadExecutor(loop: loop)
            // The loop is busy, so the task's first job waits in its queue.
            loop.execute { usleep(50_000) }
            let queued = Task(executorPreference: executor) { loop.inEventLoop }
            executor.retireLoop()
            try await group.shutdownGracefully()
            #expect(await boundedValue(of: queued, within: .seconds(10)) == true)
        }
    }
}
