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

        /// A datagram whose bytes say which it is: a two-byte index, then filler.
        static func datagram(_ index: Int, bytes: Int) -> [UInt8] {
            [UInt8(index >> 8), UInt8(index & 0xFF)]
                + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: bytes - 2)
        }

        /// Equal datagrams to one destination share a message; a shorter one is its last; an
        /// empty one, another destination, or a larger datagram starts a message of its own.
        @Test func aRunTakesEqualDatagramsToOneDestinationAndEndsAfterAShorterOne() {
            var plan = SendPlan(maxMessages: 32, maxDatagrams: 64, segments: true)
            let placements = [
                plan.place(3, to: Self.here), plan.place(3, to: Self.here), plan.place(1, to: Self.here),
                plan.place(1, to: Self.here), plan.place(2, to: Self.here), plan.place(2, to: Self.there),
                plan.place(0, to: Self.there), plan.place(1, to: Self.there),
            ]
            #expect(
                placements == [
                    .startsMessage, .joinsLast, .joinsLast, .startsMessage, .startsMessage, .startsMessage,
                    .startsMessage, .startsMessage,
                ])
            #expect(plan.messages.map(\.datagrams) == [3, 1, 1, 1, 1, 1])
            #expect(plan.messages.map(\.firstDatagram) == [0, 3, 4, 5, 6, 7])
            #expect(plan.messages.map(\.bytes) == [7, 1, 2, 2, 0, 1])
            #expect(plan.messages.map(\.segmentBytes) == [3, 1, 2, 2, 0, 1])
            #expect(plan.datagrams == 8)
            plan.reset()
            #expect(plan.messages.isEmpty && plan.datagrams == 0)
        }

        @Test func aRunStopsAtTheKernelsSegmentAndByteLimits() {
            var bySegments = SendPlan(maxMessages: 32, maxDatagrams: 128, segments: true)
            for _ in 0..<(UDPSocket.maxSegmentsPerSend + 1) { _ = bySegments.place(1, to: Self.here) }
            #expect(bySegments.messages.map(\.datagrams) == [UDPSocket.maxSegmentsPerSend, 1])

            var byBytes = SendPlan(maxMessages: 32, maxDatagrams: 64, segments: true)
            for _ in 0..<60 { _ = byBytes.place(1200, to: Self.here) }
            let fit = UDPSocket.maxSegmentedBytes / 1200
            #expect(byBytes.messages.map(\.datagrams) == [fit, 60 - fit])
            #expect(byBytes.messages.allSatisfy { $0.bytes <= UDPSocket.maxSegmentedBytes })
        }

        /// Without segmentation every datagram is a message of its own.
        @Test func withoutSegmentsEachDatagramIsAMessage() {
            var plan = SendPlan(maxMessages: 32, maxDatagrams: 64, segments: false)
            for _ in 0..<5 { _ = plan.place(100, to: Self.here) }
            #expect(plan.messages.map(\.datagrams) == [1, 1, 1, 1, 1])
            #expect(plan.messages.map(\.firstDatagram) == [0, 1, 2, 3, 4])
        }

        /// A call holds so many messages and so many datagrams; past either, the plan asks
        /// for the planned ones to be sent first, and changes nothing meanwhile.
        @Test func aFullCallAsksToBeSentFirst() {
            var byMessages = SendPlan(maxMessages: 2, maxDatagrams: 64, segments: true)
            #expect(byMessages.place(10, to: Self.here) == .startsMessage)
            #expect(byMessages.place(10, to: Self.there) == .startsMessage)
            #expect(byMessages.place(10, to: Self.there) == .joinsLast)
            #expect(byMessages.place(10, to: Self.here) == .sendFirst)
            #expect(byMessages.messages.count == 2 && byMessages.datagrams == 3)

            var byDatagrams = SendPlan(maxMessages: 32, maxDatagrams: 3, segments: true)
            for _ in 0..<3 { _ = byDatagrams.place(10, to: Self.here) }
            #expect(byDatagrams.place(10, to: Self.here) == .sendFirst)
            #expect(byDatagrams.place(10, to: Self.there) == .sendFirst)
            #expect(byDatagrams.messages.map(\.datagrams) == [3])
            byDatagrams.reset()
            #expect(byDatagrams.place(10, to: Self.there) == .startsMessage)
        }

        /// Full-size datagrams, a short tail, datagrams for a second receiver in between and an
        /// empty one: each receiver gets its own, whole and in order (one sender, one receiver,
        /// loopback keeps order). On Linux the whole batch left in three system calls (five without runs)
        /// (`sendmmsg`, its runs segmented or not) and the runs came back in a few reads.
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
            if segmentsSends && UDPSocket.segmentsSends {
                // 64 datagrams a call. The first: runs to A of 54 (the byte limit) and 6, and
                // 4 of B's. The second: B's other 26, B's empty datagram alone, 37 of A's next
                // 40. The third: A's other 3 and the tail, then A's last alone.
                #expect(sent.segmentedSends == 6)
                #expect(sent.sendCalls == 3)
            } else {
                // One message a datagram, 32 a call.
                #expect(sent.segmentedSends == 0)
                #expect(sent.sendCalls == 5)
            }
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
