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
            #expect(await value(of: stepping, within: .seconds(10)) == [true, true, true, true])

            executor.retireLoop()
            try await group.shutdownGracefully()
            // The loop refuses work now; the executor's jobs run on Swift's pool instead.
            let afterRetirement = Task(executorPreference: executor) { () -> Bool in
                await Task.yield()
                return loop.inEventLoop
            }
            #expect(await value(of: afterRetirement, within: .seconds(10)) == false)
        }
    }
}
