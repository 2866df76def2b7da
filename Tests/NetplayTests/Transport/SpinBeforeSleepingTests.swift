import Foundation
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// A waiting thread spins before it sleeps only while its waits are short, and never past
    /// its limit; with a limit of zero it never spins. The sizing is checked with waits
    /// described to it, the spin itself with a `look` that stands in for `ppoll(2)`, and
    /// one wait on a real loopback socket.
    @Suite("Spin before sleeping")
    struct SpinBeforeSleepingTests {
        static let limit = Duration.microseconds(100)

        /// One wait whose descriptor is ready at the third look, and the looks it made. The
        /// spin is 100 µs of real time, so on a slow or busy machine it may end before: the
        /// look that sleeps then finds the descriptor ready.
        static func waitReadyAtTheThirdLook(_ spinning: inout SpinBeforeSleeping) -> (ready: Bool, looks: [Int64]) {
            var looks: [Int64] = []
            let ready = spinning.wait(upTo: .seconds(1)) { nanoseconds in
                looks.append(nanoseconds)
                return looks.count >= 3 || nanoseconds > 0
            }
            return (ready, looks)
        }

        @Test("The spin grows while waits end woken within the limit, then stays at it")
        func growsToTheLimit() {
            var spinning = SpinBeforeSleeping(limit: Self.limit)
            #expect(spinning.spin == .zero)
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            #expect(spinning.spin == .microseconds(25))
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            #expect(spinning.spin == .microseconds(50))
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            #expect(spinning.spin == .microseconds(100))
            // Caught by the spin: it stays.
            spinning.noteWait(lasted: .microseconds(20), ready: true)
            #expect(spinning.spin == .microseconds(100))
            // Woken exactly at the limit: still short, and the spin never passes the limit.
            spinning.noteWait(lasted: Self.limit, ready: true)
            #expect(spinning.spin == Self.limit)
        }

        @Test("A wait that outlasts the limit ends the spin; a short timeout leaves it")
        func longWaitsEndIt() {
            var spinning = SpinBeforeSleeping(limit: Self.limit)
            spinning.noteWait(lasted: .microseconds(30), ready: true)
            spinning.noteWait(lasted: .microseconds(30), ready: true)
            #expect(spinning.spin == .microseconds(50))
            // A timer due soon: says nothing about the traffic.
            spinning.noteWait(lasted: .microseconds(80), ready: false)
            #expect(spinning.spin == .microseconds(50))
            // A frame's wait at 60 Hz, woken or not.
            spinning.noteWait(lasted: .milliseconds(16), ready: true)
            #expect(spinning.spin == .zero)
            spinning.noteWait(lasted: .microseconds(30), ready: true)
            spinning.noteWait(lasted: .milliseconds(5), ready: false)
            #expect(spinning.spin == .zero)
        }

        @Test("A limit of zero never spins and hands the whole timeout to one look")
        func zeroNeverSpins() {
            var spinning = SpinBeforeSleeping(limit: .zero)
            for _ in 0..<4 { spinning.noteWait(lasted: .microseconds(10), ready: true) }
            #expect(spinning.spin == .zero)
            var looks: [Int64] = []
            let ready = spinning.wait(upTo: .milliseconds(2)) { nanoseconds in
                looks.append(nanoseconds)
                return true
            }
            #expect(ready)
            #expect(looks == [2_000_000])
        }

        @Test("A spin that finds a descriptor ready returns without sleeping")
        func spinCatchesWithoutSleeping() {
            var spinning = SpinBeforeSleeping(limit: Self.limit)
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            #expect(spinning.spin == Self.limit)
            let (ready, looks) = Self.waitReadyAtTheThirdLook(&spinning)
            #expect(ready)
            #expect(looks.count <= 3)
            #expect(looks.first == 0)
            #expect(looks.filter { $0 > 0 }.count <= 1)
            // Ready well within the limit: the spin stays.
            #expect(spinning.spin == Self.limit)
        }

        @Test("A spin in vain ends in one sleeping look for the rest of the timeout")
        func spinInVainThenSleeps() {
            var spinning = SpinBeforeSleeping(limit: Self.limit)
            spinning.noteWait(lasted: .microseconds(60), ready: true)
            #expect(spinning.spin == .microseconds(25))
            var looks: [Int64] = []
            let ready = spinning.wait(upTo: .milliseconds(10)) { nanoseconds in
                looks.append(nanoseconds)
                return false
            }
            #expect(!ready)
            let sleeping = looks.filter { $0 > 0 }
            #expect(sleeping.count == 1)
            #expect(looks.last == sleeping.first)
            #expect((sleeping.first ?? 0) <= 10_000_000 - 25_000)
            #expect(looks.dropLast().allSatisfy { $0 == 0 })
            // The whole timeout passed without a datagram (the fake's sleeping look returns
            // at once, so the wait measured short): a timeout never grows the spin.
            #expect(spinning.spin == .microseconds(25))
        }

        @Test("An armed record spins the whole limit from its first wait, then the waits size it")
        func armedSpinsFromTheFirstWait() {
            var spinning = SpinBeforeSleeping(limit: Self.limit)
            spinning.arm()
            #expect(spinning.spin == Self.limit)
            // Caught by the spin with no waits seen before.
            let (ready, looks) = Self.waitReadyAtTheThirdLook(&spinning)
            #expect(ready)
            #expect(looks.first == 0)
            #expect(looks.filter { $0 > 0 }.count <= 1)
            #expect(spinning.spin == Self.limit)
            // The first wait past the limit ends it, as for a record that grew its spin.
            spinning.noteWait(lasted: Self.limit + .microseconds(1), ready: true)
            #expect(spinning.spin == .zero)
        }

        @Test("Arming a record whose limit is zero leaves it never spinning")
        func armedZeroLimitNeverSpins() {
            var spinning = SpinBeforeSleeping(limit: .zero)
            spinning.arm()
            #expect(spinning.spin == .zero)
            var looks: [Int64] = []
            _ = spinning.wait(upTo: .milliseconds(3)) { nanoseconds in
                looks.append(nanoseconds)
                return false
            }
            #expect(looks == [3_000_000])
        }

        @Test("On a loopback socket a spinning wait returns with the datagram waiting")
        func loopbackDatagramEndsTheSpin() throws {
            let receiver = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer {
                receiver.close()
                sender.close()
            }
            var spinning = SpinBeforeSleeping(limit: .milliseconds(50))
            spinning.noteWait(lasted: .microseconds(10), ready: true)
            #expect(spinning.spin == .microseconds(12_500))
            sender.send(count: 1) { _ in (receiver.localAddress, [1, 2, 3]) }
            #expect(receiver.waitUntilReadable(timeout: .seconds(5), spinning: &spinning))
            var heard: [[UInt8]] = []
            receiver.readAvailable(limit: 4) { heard.append($1) }
            #expect(heard == [[1, 2, 3]])
        }
    }
}
