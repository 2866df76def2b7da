import Testing

@testable import Netplay

extension APITests {
    /// How a game-thread session is serviced while `connect` or `close` waits
    /// (`NetSession.serviceUntil`): slice by slice, yielding between slices but not after the
    /// last. That yield put the waiting task back on its executor's queue for nothing: on
    /// Swift's pool it woke a second thread between the handshake's last packet and the
    /// caller's first send.
    @Suite("Servicing until done", .timeLimit(.minutes(1)))
    struct ServiceUntil {
        /// The task's jobs run only when the test runs them, so a yield shows as a job left
        /// queued after the task's first step instead of the task having finished.
        @Test("a service that ends done returns without yielding; one that does not, yields")
        func noYieldAfterTheLastSlice() async throws {
            var options = NetOptions()
            options.servicing = .gameThread
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options, advertise: nil)
            let session = host.session
            let held = HeldExecutor()
            let finished = Latch<Int>()

            // Done from the second question on: the first slice ends done.
            let doneAfterOneSlice = Task(executorPreference: held) {
                var asked = 0
                await session.serviceUntil {
                    asked += 1
                    return asked >= 2
                }
                finished.set(asked)
            }
            held.runJobs()
            #expect(finished.value != nil, "the task should have finished in its first step")
            #expect(held.pendingJobs == 0)
            // (Failing, the task still waits in the executor: finish it rather than hang, and
            // await it only once it is over, so the host is closed either way.)
            for _ in 0..<10 where finished.value == nil { held.runJobs() }
            if finished.value != nil { await doneAfterOneSlice.value }

            // The control: not done until the test says so. The first slice (one tick long)
            // ends not done, so the task yields between slices and has not finished after
            // its first step; released, it finishes within a few more.
            let released = Latch<Void>()
            let ended = Latch<Void>()
            let doneWhenReleased = Task(executorPreference: held) {
                await session.serviceUntil { released.value != nil }
                ended.set(())
            }
            held.runJobs()
            #expect(ended.value == nil)
            #expect(held.pendingJobs >= 1)
            released.set(())
            for _ in 0..<10 where ended.value == nil { held.runJobs() }
            #expect(ended.value != nil)
            if ended.value != nil { await doneWhenReleased.value }
            await host.close()
        }
    }
}
