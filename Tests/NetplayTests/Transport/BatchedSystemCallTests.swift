import Foundation
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// A batch of datagrams crosses into the kernel in as few system calls as the system
    /// allows (`sendmmsg`, `recvmmsg` on Linux), and what arrives is exactly what one call a
    /// datagram would have delivered: every datagram, its bytes, its order, its counts.
    /// Loopback only, every wait bounded.
    @Suite("Batched system calls")
    struct BatchedSystemCallTests {
        static let receivers = 8

        /// Reads `count` datagrams from `socket`, waiting at most about a second in all.
        static func read(_ count: Int, from socket: ServicedUDPSocket) -> [(PeerAddress, [UInt8])] {
            var heard: [(PeerAddress, [UInt8])] = []
            var attempts = 0
            while heard.count < count, attempts < 100 {
                attempts += 1
                _ = socket.waitUntilReadable(timeout: .milliseconds(10))
                socket.readAvailable(limit: 64) { heard.append(($0, $1)) }
            }
            return heard
        }

        /// A host's snapshot to every client: one datagram to each of eight receivers leaves
        /// in one call on Linux (one each elsewhere), from either driver, and each receiver
        /// gets its own.
        @Test(arguments: [false, true])
        func aBatchToManyReceiversCrossesTheKernelOnce(gameThreadSocket: Bool) async throws {
            let receivers = try (0..<Self.receivers).map { _ in try ServicedUDPSocket.open(host: "127.0.0.1", port: 0) }
            defer { for receiver in receivers { receiver.close() } }
            let batch = receivers.enumerated().map { index, receiver in
                (receiver.localAddress, [UInt8](repeating: UInt8(index), count: 100 + index))
            }
            let statistics: UDPDriver.Statistics
            let senderAddress: PeerAddress
            if gameThreadSocket {
                let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
                defer { sender.close() }
                sender.send(batch)
                statistics = sender.statistics
                senderAddress = sender.localAddress
            } else {
                let sender = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
                sender.send(batch)
                // The batch is written on the driver's loop; its statistics come after it.
                statistics = await sender.statistics()
                senderAddress = sender.localAddress
                await sender.close()
            }
            for (index, receiver) in receivers.enumerated() {
                let heard = Self.read(1, from: receiver)
                #expect(heard.map(\.1) == [batch[index].1])
                #expect(heard.map(\.0) == [senderAddress])
            }
            #expect(statistics.datagramsSent == Self.receivers)
            #expect(statistics.bytesSent == batch.reduce(0) { $0 + $1.1.count })
            #if os(Linux)
            #expect(statistics.sendCalls == 1)
            #else
            #expect(statistics.sendCalls == Self.receivers)
            #endif
        }

        /// A datagram the system refuses in the middle of a batch (to port 0, `EINVAL`, which
        /// Linux refuses before any route lookup, so on any machine) is counted and skipped;
        /// the datagrams before and after it go, in order.
        @Test func aRefusedDatagramInsideABatchCostsOnlyItself() throws {
            let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let a = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let b = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer { for socket in [sender, a, b] { socket.close() } }
            let portZero = PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 0)
            sender.send([(a.localAddress, [1]), (portZero, [2]), (b.localAddress, [3]), (a.localAddress, [4])])
            #expect(Self.read(2, from: a).map(\.1) == [[1], [4]])
            #expect(Self.read(1, from: b).map(\.1) == [[3]])
            let statistics = sender.statistics
            #expect(statistics.datagramsSent == 3 && statistics.refusedSends == 1)
            #expect(statistics.lastRefusal == EINVAL)
            #if os(Linux)
            // The first call sends one and stops at the refusal; the second reports it; the
            // third sends the rest.
            #expect(statistics.sendCalls == 3)
            #endif
        }

        /// The game-thread socket sends a run of one destination's equal datagrams and a
        /// shorter tail as one message where the system segments; they arrive as sent.
        @Test func theGameThreadSocketSendsARunInOneMessage() throws {
            let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let receiver = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer { for socket in [sender, receiver] { socket.close() } }
            let full = (0..<10).map { [UInt8](repeating: UInt8($0), count: 1_200) }
            let run = full + [[UInt8](repeating: 99, count: 500)]
            sender.send(run.map { (receiver.localAddress, $0) })
            #expect(Self.read(run.count, from: receiver).map(\.1) == run)
            let statistics = sender.statistics
            #expect(statistics.datagramsSent == run.count)
            #if os(Linux)
            #expect(statistics.sendCalls == 1)
            #expect(statistics.segmentedSends == (UDPSocket.segmentsSends ? 1 : 0))
            #endif
        }

        /// A refused run is sent one datagram at a time when its shape was refused (the
        /// `errno` changed from `EINVAL` to `EMSGSIZE` in 2021), from then on when the socket
        /// cannot segment, and is lost like a datagram otherwise.
        @Test func aRefusedRunFallsBackByItsErrno() {
            typealias Refusal = DatagramBatchWriter.RunRefusal
            #expect(Refusal(EMSGSIZE) == .sendSeparately)
            #expect(Refusal(EINVAL) == .sendSeparately)
            #expect(Refusal(EIO) == .sendSeparatelyFromNowOn)
            #expect(Refusal(EOPNOTSUPP) == .sendSeparatelyFromNowOn)
            #expect(Refusal(ENOPROTOOPT) == .sendSeparatelyFromNowOn)
            #expect(Refusal(EAGAIN) == .lost(.bufferFull))
            #expect(Refusal(ENETUNREACH) == .lost(.refused(ENETUNREACH)))
        }

        /// Three datagrams waiting are read in one call: a call that finds fewer than it asked
        /// for ends the read, with no second call to find the socket empty.
        @Test func aShortBatchEndsTheRead() throws {
            let receiver = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer { for socket in [receiver, sender] { socket.close() } }
            sender.send([(receiver.localAddress, [1]), (receiver.localAddress, [2]), (receiver.localAddress, [3])])
            var heard: [[UInt8]] = []
            var attempts = 0
            // Loopback delivers within the sender's call (unless the kernel defers its
            // receive work under load: the pause leaves it time to).
            while !receiver.waitUntilReadable(timeout: .milliseconds(10)), attempts < 100 { attempts += 1 }
            usleep(20_000)
            receiver.readAvailable(limit: 64) { heard.append($1) }
            #expect(heard == [[1], [2], [3]])
            #if os(Linux)
            #expect(receiver.statistics.receiveCalls == 1)
            #else
            #expect(receiver.statistics.receiveCalls == 4)
            #endif
        }

        /// Forty datagrams waiting at once are read in batches, and an oversize one among them
        /// is dropped and counted on its own: the others arrive whole and in order.
        @Test func batchedReadsKeepEveryDatagramWholeAndDropOnlyTheOversizeOne() throws {
            let receiver = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer { for socket in [receiver, sender] { socket.close() } }
            let sizes = (0..<40).map { $0 == 20 ? UDPDriver.ethernetPayloadBytes + 100 : 1 + $0 * 37 }
            let sent = sizes.enumerated().map { index, size in [UInt8](repeating: UInt8(index), count: size) }
            sender.send(sent.map { (receiver.localAddress, $0) })
            let heard = Self.read(39, from: receiver)
            var expected = sent
            expected.remove(at: 20)
            #expect(heard.map(\.1) == expected)
            let statistics = receiver.statistics
            #expect(statistics.datagramsReceived == 40)
            #expect(statistics.droppedOversize == 1)
        }
    }
}
