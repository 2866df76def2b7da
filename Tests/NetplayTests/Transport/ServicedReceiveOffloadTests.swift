import NIOCore
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// Receive offload on the socket a session's own thread (or the game's) services: off
    /// while one read a datagram keeps up or many senders share a read, on once one sender's
    /// run fills a read; from then on a run arrives in one read and is handed on as the
    /// datagrams it was made of, each held to the size cap on its own.
    @Suite("Serviced socket receive offload")
    struct ServicedReceiveOffloadTests {
        /// Runs sent before receive offload is on, or read coalesced once it is, at most.
        static let attempts = 10

        static func open(maxDatagramBytes: Int = 1200) throws -> ServicedUDPSocket {
            try ServicedUDPSocket.open(
                host: "127.0.0.1", port: 0, configuration: UDPDriver.Configuration(maxDatagramBytes: maxDatagramBytes))
        }

        /// Reads until `count` datagrams have come, or a bounded number of empty waits.
        static func read(_ count: Int, from socket: ServicedUDPSocket) -> [[UInt8]] {
            var received: [[UInt8]] = []
            var waits = 0
            while received.count < count, waits < 200 {
                if !socket.waitUntilReadable(timeout: .milliseconds(10)) { waits += 1 }
                socket.readAvailable(limit: 64) { _, bytes in received.append(bytes) }
            }
            return received
        }

        @Test func receiveOffloadTurnsOnOnceARunFillsARead() throws {
            let receiver = try Self.open()
            let sender = try Self.open()
            defer {
                sender.close()
                receiver.close()
            }
            let one = [UInt8](repeating: 1, count: 100)
            for _ in 0..<20 {
                sender.send([(receiver.localAddress, one)])
                #expect(Self.read(1, from: receiver) == [one])
            }
            // Many senders at once, as many clients' handshakes: nothing the kernel would
            // coalesce, however full the read.
            let crowd = try (0..<24).map { _ in try Self.open() }
            let hello = [UInt8](repeating: 2, count: 1200)
            for member in crowd { member.send([(receiver.localAddress, hello)]) }
            #expect(Self.read(crowd.count, from: receiver).count == crowd.count)
            for member in crowd { member.close() }
            #expect(receiver.statistics.offloadsReceive == false)
            // A run of 40 from one sender: it turns receive offload on, and later runs come
            // coalesced (loopback lands a whole send before the call returns).
            let run = (0..<40).map { UDPSegmentationTests.datagram($0, bytes: 1200) }
            var runsSent = 0
            var stats = receiver.statistics
            while runsSent < Self.attempts, !(stats.offloadsReceive && stats.coalescedReads > 0) {
                sender.send(run.map { (receiver.localAddress, $0) })
                runsSent += 1
                #expect(Self.read(run.count, from: receiver) == run, "the run, in order")
                stats = receiver.statistics
            }
            #expect(stats.datagramsReceived == 20 + 24 + runsSent * run.count)
            #expect(stats.offloadsReceive == UDPSocket.offloadsReceive)
            #expect((stats.coalescedReads > 0) == UDPSocket.offloadsReceive)
        }

        /// Once the stream is over (or was a stranger's burst), reads that find nothing to
        /// coalesce turn offload off again: its reader takes one datagram a system call.
        @Test func receiveOffloadGoesOffWhenReadsStopCoalescing() throws {
            let receiver = try Self.open()
            let sender = try Self.open()
            defer {
                sender.close()
                receiver.close()
            }
            let run = (0..<20).map { UDPSegmentationTests.datagram($0, bytes: 1200) }
            sender.send(run.map { (receiver.localAddress, $0) })
            #expect(Self.read(run.count, from: receiver) == run, "the run, in order")
            #expect(receiver.statistics.offloadsReceive == UDPSocket.offloadsReceive)
            // One datagram a read, as a game's clients send: each read finds nothing coalesced.
            let single = [UInt8](repeating: 7, count: 100)
            for index in 0..<ServicedUDPSocket.plainReadsThatEndOffload {
                #expect(receiver.statistics.offloadsReceive == UDPSocket.offloadsReceive, "still on at read \(index)")
                sender.send([(receiver.localAddress, single)])
                #expect(Self.read(1, from: receiver) == [single])
            }
            #expect(receiver.statistics.offloadsReceive == false)
            // And a new stream turns it on again.
            sender.send(run.map { (receiver.localAddress, $0) })
            #expect(Self.read(run.count, from: receiver) == run, "the run, in order")
            #expect(receiver.statistics.offloadsReceive == UDPSocket.offloadsReceive)
        }

        @Test func everyDatagramOfACoalescedReadIsCappedOnItsOwn() throws {
            let receiver = try Self.open(maxDatagramBytes: 1000)
            let sender = try Self.open()
            defer {
                sender.close()
                receiver.close()
            }
            // A run that fits turns receive offload on.
            let fitting = (0..<20).map { UDPSegmentationTests.datagram($0, bytes: 1000) }
            sender.send(fitting.map { (receiver.localAddress, $0) })
            #expect(Self.read(fitting.count, from: receiver) == fitting, "the fitting datagrams, in order")
            #expect(receiver.statistics.offloadsReceive == UDPSocket.offloadsReceive)
            // Then oversize datagrams in a run of their own (coalesced: the run's size is over
            // the cap) and fitting ones: each oversize one counted, each fitting one delivered.
            let oversize = (0..<20).map { UDPSegmentationTests.datagram($0, bytes: 1200) }
            sender.send((oversize + fitting).map { (receiver.localAddress, $0) })
            #expect(Self.read(fitting.count, from: receiver) == fitting, "the fitting datagrams, in order")
            let stats = receiver.statistics
            #expect(stats.droppedOversize == oversize.count)
            #expect(stats.datagramsReceived == 2 * fitting.count + oversize.count)
            #expect((stats.coalescedReads > 0) == UDPSocket.offloadsReceive)
        }
    }
}
