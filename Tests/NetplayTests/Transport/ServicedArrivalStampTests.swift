import Foundation
import NIOCore
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// The kernel's receive timestamps on the serviced socket (`stampArrivals`): how long each
    /// datagram waited in the socket before the read, for a reader that lets them wait.
    @Suite("Serviced socket arrival stamps")
    struct ServicedArrivalStampTests {
        /// The datagrams read, with how long each waited, until `count` have come or a bounded
        /// number of empty waits.
        static func read(_ count: Int, from socket: ServicedUDPSocket) -> [(bytes: [UInt8], waited: Duration)] {
            var received: [(bytes: [UInt8], waited: Duration)] = []
            var waits = 0
            while received.count < count, waits < 200 {
                if !socket.waitUntilReadable(timeout: .milliseconds(10)) { waits += 1 }
                socket.readAvailable(limit: 64) { _, bytes, waited in received.append((bytes, waited)) }
            }
            return received
        }

        /// Attempts at a datagram that waits 30 ms: Linux turns its receive stamps on from a
        /// work queue (a static key, flipped once the first socket asks), so a datagram that
        /// comes just after `stampArrivals(true)` may be stamped at its read instead (a wait of
        /// about zero: as if unstamped, which costs a round-trip sample its accuracy, nothing
        /// more). Bounded: 20 attempts, 0.6 s.
        static let attempts = 20

        /// Sends `first` and, 30 ms later, `second`, then reads both: how long each waited.
        static func pair(to receiver: ServicedUDPSocket, from sender: ServicedUDPSocket) -> [(
            bytes: [UInt8], waited: Duration
        )] {
            sender.send([(receiver.localAddress, [1])])
            Thread.sleep(forTimeInterval: 0.03)
            sender.send([(receiver.localAddress, [2])])
            // Both in the socket before the read (loopback lands a send before it returns).
            return read(2, from: receiver)
        }

        /// Pairs sent until the first of one shows its 30 ms wait (at most ``attempts``): whether
        /// one did.
        static func pairsUntilAWaitShows(to receiver: ServicedUDPSocket, from sender: ServicedUDPSocket) -> Bool {
            for _ in 0..<attempts where (pair(to: receiver, from: sender).first?.waited ?? .zero) >= .milliseconds(30) {
                return true
            }
            return false
        }

        @Test func aStampedDatagramTellsHowLongItWaited() throws {
            let receiver = try ServicedReceiveOffloadTests.open()
            let sender = try ServicedReceiveOffloadTests.open()
            defer {
                sender.close()
                receiver.close()
            }
            receiver.stampArrivals(true)
            var read = Self.pair(to: receiver, from: sender)
            for _ in 1..<Self.attempts where read.count == 2 && read[0].waited < .milliseconds(30) {
                read = Self.pair(to: receiver, from: sender)
            }
            #expect(read.map(\.bytes) == [[1], [2]])
            guard read.count == 2 else { return }
            #if os(Linux)
            #expect(read[0].waited >= .milliseconds(30))
            #expect(read[0].waited - read[1].waited >= .milliseconds(29))
            #expect(read[0].waited < .seconds(1))
            #else
            #expect(read.allSatisfy { $0.waited == .zero })
            #endif
        }

        @Test func stampsTurnedOffStopShowingTheWait() throws {
            let receiver = try ServicedReceiveOffloadTests.open()
            let sender = try ServicedReceiveOffloadTests.open()
            defer {
                sender.close()
                receiver.close()
            }
            // On, and shown to be (a datagram that waited 30 ms says so), then off.
            receiver.stampArrivals(true)
            let shown = Self.pairsUntilAWaitShows(to: receiver, from: sender)
            #if os(Linux)
            #expect(shown, "no datagram showed its wait")
            #endif
            receiver.stampArrivals(false)
            sender.send([(receiver.localAddress, [1])])
            Thread.sleep(forTimeInterval: 0.02)
            let read = Self.read(1, from: receiver)
            #expect(read.map(\.bytes) == [[1]])
            #expect(read.allSatisfy { $0.waited == .zero })
        }

        /// A coalesced read's control messages hold the run's datagram size and the stamp
        /// both: the run is still split where it was sent, and each of its datagrams waited.
        @Test func aCoalescedRunIsStillSplitAndStamped() throws {
            let receiver = try ServicedReceiveOffloadTests.open()
            let sender = try ServicedReceiveOffloadTests.open()
            defer {
                sender.close()
                receiver.close()
            }
            receiver.stampArrivals(true)
            // Once a datagram shows its wait, the stamps are on (see `attempts`).
            _ = Self.pairsUntilAWaitShows(to: receiver, from: sender)
            let run = (0..<40).map { UDPSegmentationTests.datagram($0, bytes: 1200) }
            var runsSent = 0
            var stats = receiver.statistics
            // The first run turns receive offload on (as in the offload tests); then one that
            // waits 20 ms before its read.
            while runsSent < ServicedReceiveOffloadTests.attempts, !(stats.offloadsReceive && stats.coalescedReads > 0)
            {
                sender.send(run.map { (receiver.localAddress, $0) })
                if runsSent > 0 { Thread.sleep(forTimeInterval: 0.02) }
                runsSent += 1
                let read = Self.read(run.count, from: receiver)
                #expect(read.map(\.bytes) == run, "the run, in order")
                if runsSent > 1 {
                    #if os(Linux)
                    #expect(read.allSatisfy { $0.waited >= .milliseconds(20) && $0.waited < .seconds(1) })
                    #endif
                }
                stats = receiver.statistics
            }
            #expect(runsSent > 1)
            #expect((stats.coalescedReads > 0) == UDPSocket.offloadsReceive)
        }
    }
}
