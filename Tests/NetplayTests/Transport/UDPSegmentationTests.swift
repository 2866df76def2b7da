import NIOCore
import Testing

@testable import NetplayBase
@testable import NetplayDrivers

extension TransportTests {
    /// Sending a run of datagrams in one system call (UDP segmentation offload), and reading
    /// one back as several (receive offload): what arrives is exactly what separate sends and
    /// reads would have given.
    @Suite("UDP segmentation")
    struct UDPSegmentationTests {
        static let here = PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 1)
        static let there = PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 2)
        static let remote = try! SocketAddress(ipAddress: "127.0.0.1", port: 1)

        /// A datagram whose bytes say which it is: a two-byte index, then filler.
        static func datagram(_ index: Int, bytes: Int) -> [UInt8] {
            [UInt8(index >> 8), UInt8(index & 0xFF)]
                + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: bytes - 2)
        }

        @Test func aRunTakesEqualDatagramsToOneDestinationAndEndsAfterAShorterOne() {
            var run = SegmentRun()
            #expect(!run.accepts([1, 2, 3], to: Self.here))  // no run started
            run.start([1, 2, 3], to: Self.here, at: Self.remote)
            #expect(run.accepts([4, 5, 6], to: Self.here))
            #expect(!run.accepts([4, 5, 6], to: Self.there))
            #expect(!run.accepts([4, 5, 6, 7], to: Self.here))
            #expect(!run.accepts([], to: Self.here))
            run.append([4, 5, 6])
            run.append([7])
            #expect(!run.accepts([8], to: Self.here))  // the shorter one was the last
            #expect(run.count == 3)
            #expect(run.joined == [1, 2, 3, 4, 5, 6, 7])
            #expect(run.first.isEmpty)
            run.clear()
            #expect(run.count == 0 && run.remote == nil && run.joined.isEmpty)
        }

        @Test func aRunStopsAtTheKernelsSegmentAndByteLimits() {
            var bySegments = SegmentRun()
            bySegments.start([0], to: Self.here, at: Self.remote)
            while bySegments.accepts([0], to: Self.here) { bySegments.append([0]) }
            #expect(bySegments.count == UDPSocket.maxSegmentsPerSend)

            let large = [UInt8](repeating: 0, count: 1200)
            var byBytes = SegmentRun()
            byBytes.start(large, to: Self.here, at: Self.remote)
            while byBytes.accepts(large, to: Self.here) { byBytes.append(large) }
            #expect(byBytes.count == UDPSocket.maxSegmentedBytes / 1200)
            #expect(byBytes.joined.count <= UDPSocket.maxSegmentedBytes)
        }

        /// A batch starts a run only where the next datagram would join it, so a lone datagram
        /// leaves as it is; the rule agrees with `accepts` on a run's second datagram.
        @Test func aRunStartsOnlyWhereTheNextDatagramWouldJoinIt() {
            let full = [UInt8](repeating: 1, count: 1200)
            let cases: [([UInt8], PeerAddress)] = [
                (full, Self.here), ([1], Self.here), ([], Self.here), (full + [1], Self.here), (full, Self.there),
            ]
            for (next, destination) in cases {
                var run = SegmentRun()
                run.start(full, to: Self.here, at: Self.remote)
                #expect(
                    SegmentRun.canFollow(next, to: destination, after: full, to: Self.here)
                        == run.accepts(next, to: destination))
            }
            #expect(SegmentRun.canFollow(full, to: Self.here, after: full, to: Self.here))
            #expect(!SegmentRun.canFollow([1], to: Self.here, after: [], to: Self.here))
            let huge = [UInt8](repeating: 0, count: 40_000)
            #expect(!SegmentRun.canFollow(huge, to: Self.here, after: huge, to: Self.here))
        }

        @Test func anEmptyDatagramStartsARunOfItsOwn() {
            var run = SegmentRun()
            run.start([], to: Self.here, at: Self.remote)
            #expect(!run.accepts([], to: Self.here))
            #expect(!run.accepts([1], to: Self.here))
        }

        /// Full-size datagrams, a short tail, datagrams for a second receiver in between and an
        /// empty one: each receiver gets its own, whole and in order (one sender, one receiver,
        /// loopback keeps order). On Linux the runs left in a few system calls and came back in
        /// a few reads.
        @Test(arguments: [true, false])
        func runsArriveAsTheDatagramsTheyWereMadeOf(segmentsSends: Bool) async throws {
            let inboxA = DatagramInbox()
            let inboxB = DatagramInbox()
            let sender = try await UDPDriverTests.bindOrSkip(
                "127.0.0.1", inbox: DatagramInbox(),
                configuration: UDPDriver.Configuration(segmentsSends: segmentsSends))
            let a = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: inboxA)
            let b = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: inboxB)
            var toA = (0..<100).map { Self.datagram($0, bytes: 1200) }
            toA.append(Self.datagram(100, bytes: 300))
            toA.append(Self.datagram(101, bytes: 1200))
            let toB = (0..<30).map { Self.datagram($0, bytes: 700) } + [[]]
            var batch = toA[0..<60].map { (a.localAddress, $0) }
            batch += toB.map { (b.localAddress, $0) }
            batch += toA[60...].map { (a.localAddress, $0) }
            sender.send(batch)

            let atA = await inboxA.next(toA.count, within: UDPDriverTests.exchangeTimeout)
            let atB = await inboxB.next(toB.count, within: UDPDriverTests.exchangeTimeout)
            #expect(atA.map(\.bytes) == toA)
            #expect(atB.map(\.bytes) == toB)
            #expect(atA.allSatisfy { $0.from == sender.localAddress })
            let sent = await sender.statistics()
            #expect(sent.datagramsSent == toA.count + toB.count)
            #expect(sent.bytesSent == (toA + toB).reduce(0) { $0 + $1.count })
            let receivedByA = await a.statistics()
            #expect(receivedByA.datagramsReceived == toA.count)
            #if os(Linux)
            // Runs to A: 54 (the byte limit), 6; then 40 and the tail, then the last alone.
            // To B: 30, then the empty datagram alone.
            #expect(sent.segmentedSends == (segmentsSends && UDPSocket.segmentsSends ? 4 : 0))
            #endif
            if !segmentsSends { #expect(receivedByA.coalescedReads == 0) }
            for driver in [sender, a, b] { await driver.close() }
        }

        /// Receive offload is off while one read a datagram keeps up, or while many senders
        /// share a burst, and turns on once one sender's run fills SwiftNIO's read loop; from
        /// then on a run arrives in one read, split into the datagrams it was made of.
        @Test func receiveOffloadTurnsOnOnceTheSocketFallsBehind() async throws {
            let inbox = DatagramInbox()
            let sender = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
            let receiver = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: inbox)
            let one = [UInt8](repeating: 1, count: 100)
            for _ in 0..<20 {
                sender.send([(receiver.localAddress, one)])
                _ = await inbox.next(1, within: UDPDriverTests.exchangeTimeout)
            }
            // Many senders at once, as many clients' handshakes: nothing the kernel would
            // coalesce, however full the burst.
            var crowd: [UDPDriver] = []
            for _ in 0..<24 { crowd.append(try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: DatagramInbox())) }
            let hello = [UInt8](repeating: 2, count: 1200)
            for member in crowd { member.send([(receiver.localAddress, hello)]) }
            #expect(await inbox.next(crowd.count, within: UDPDriverTests.exchangeTimeout).count == crowd.count)
            for member in crowd { await member.close() }
            #expect(await receiver.statistics().offloadsReceive == false)
            // A run of 40 lands in the socket at once: more than a burst's 16 reads. Whether
            // the reading thread wakes before all of it has landed is the scheduler's call, so
            // a few runs are allowed (each is checked whole all the same).
            let run = (0..<40).map { Self.datagram($0, bytes: 1200) }
            var runsSent = 0
            var stats = await receiver.statistics()
            while runsSent < Self.attempts, !(stats.offloadsReceive && stats.coalescedReads > 0) {
                sender.send(run.map { (receiver.localAddress, $0) })
                runsSent += 1
                #expect(await inbox.next(run.count, within: UDPDriverTests.exchangeTimeout).map(\.bytes) == run)
                stats = await receiver.statistics()
            }
            #expect(stats.datagramsReceived == 20 + 24 + runsSent * run.count)
            #if os(Linux)
            if System.supportsUDPReceiveOffload {
                #expect(stats.offloadsReceive && stats.coalescedReads > 0)
            }
            #else
            #expect(!stats.offloadsReceive)
            #endif
            await sender.close()
            await receiver.close()
        }

        /// Runs sent before receive offload is on, or read coalesced once it is, at most.
        static let attempts = 10

        /// Whether this system reads runs coalesced once the socket falls behind.
        static var coalesces: Bool {
            #if os(Linux)
            System.supportsUDPReceiveOffload
            #else
            false
            #endif
        }

        /// Receive offload hands over a run as one read; each datagram in it is still held to
        /// the receiver's size cap, one by one.
        @Test func everyDatagramOfACoalescedReadIsCappedOnItsOwn() async throws {
            let inbox = DatagramInbox()
            let sender = try await UDPDriverTests.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
            let receiver = try await UDPDriverTests.bindOrSkip(
                "127.0.0.1", inbox: inbox, configuration: UDPDriver.Configuration(maxDatagramBytes: 1000))
            let oversize = (0..<20).map { Self.datagram($0, bytes: 1200) }
            let fitting = (0..<5).map { Self.datagram($0, bytes: 1000) }
            // Until a burst was read coalesced (on Linux; the first turns receive offload on),
            // every oversize datagram counted and every fitting one delivered, each time.
            var bursts = 0
            var stats = await receiver.statistics()
            while bursts < Self.attempts, bursts < 2 || (Self.coalesces && stats.coalescedReads == 0) {
                sender.send((oversize + fitting).map { (receiver.localAddress, $0) })
                bursts += 1
                let delivered = await inbox.next(fitting.count, within: UDPDriverTests.exchangeTimeout)
                #expect(delivered.map(\.bytes) == fitting)
                stats = await receiver.statistics()
            }
            #expect(stats.droppedOversize == bursts * oversize.count)
            #expect(stats.datagramsReceived == bursts * (oversize.count + fitting.count))
            #expect(stats.coalescedReads > 0 || !Self.coalesces)
            await sender.close()
            await receiver.close()
        }
    }
}
