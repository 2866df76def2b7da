import Foundation
import Synchronization
import Testing

@testable import Netplay
@testable import NetplayDrivers

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

        /// A new session has no waits to size its spin from, and its handshake's answers come
        /// within a round trip: its first waits spin the whole limit. Measured on this machine,
        /// each of the client's three handshake waits was otherwise slept through.
        @Test("a game-thread session starts with its spin armed at the limit")
        func newSessionStartsArmed() async throws {
            var options = NetOptions()
            options.servicing = .gameThread
            options.spinBeforeSleeping = .microseconds(80)
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options, advertise: nil)
            let client = try NetClient.startConnecting(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: options)
            for session in [host.session, client.session] {
                let transport = try #require(session.gameThreadTransport)
                #expect(transport.state.withLock { $0.spinning.spin } == .microseconds(80))
            }
            client.closeSynchronously()
            await host.close()
        }

        /// While another thread is inside `service` (a game's poll that waits, during an async
        /// close), the task sleeps a tick between looks: `done` is asked twice in its first
        /// step, then not again until the tick has passed. It yielded there, and so came
        /// straight back, asking again and again (1,000 asks in the 1,000 turns of its executor
        /// below).
        @Test("while another thread services, the wait sleeps between looks instead of spinning")
        func waitsForAnotherServicingThreadWithoutSpinning() async throws {
            var options = NetOptions()
            options.servicing = .gameThread
            // A tick far longer than the turns below take, however slow the machine.
            options.tickInterval = .seconds(2)
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: options, advertise: nil)
            let session = host.session
            let transport = try #require(session.gameThreadTransport)
            // The other thread: a poll that waits its whole time (nothing arrives, no peers).
            let pollReturned = Latch<Void>()
            Thread.detachNewThread {
                _ = host.poll(waitingUpTo: .seconds(3))
                pollReturned.set(())
            }
            #expect(
                await pollUntil(within: .seconds(5), every: .milliseconds(1)) {
                    transport.state.withLock { $0.servicingThread != nil }
                })

            let held = HeldExecutor()
            let asked = Mutex(0)
            let released = Latch<Void>()
            let ended = Latch<Void>()
            let waiting = Task(executorPreference: held) {
                await session.serviceUntil {
                    asked.withLock { $0 += 1 }
                    return released.value != nil
                }
                ended.set(())
            }
            for _ in 0..<1_000 { held.runJobs() }
            #expect(asked.withLock { $0 } == 2)
            #expect(held.pendingJobs == 0)

            // Released, it ends once its sleep is over: bounded by the tick, not by the poll.
            released.set(())
            #expect(
                await pollUntil(within: .seconds(10), every: .milliseconds(5)) {
                    held.runJobs()
                    return ended.value != nil
                })
            if ended.value != nil { await waiting.value }
            _ = await offTheCooperativePool { pollReturned.waitBlocking() }
            await host.close()
        }
    }
}
