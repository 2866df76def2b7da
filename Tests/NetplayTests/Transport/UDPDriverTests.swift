import Dispatch
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension TransportTests {
    /// Real sockets on loopback only, every wait bounded.
    @Suite("UDPDriver")
    struct UDPDriverTests {
        static let exchangeCount = 1000
        static let batchSize = 50
        /// Generous for loopback, where a batch arrives in well under a millisecond.
        static let exchangeTimeout = Duration.seconds(5)

        /// Binds a driver, or cancels the test (recording why) if the loopback address is missing,
        /// as IPv6 is in some containers.
        static func bindOrSkip(
            _ host: String, port: Int = 0, inbox: DatagramInbox, configuration: UDPDriver.Configuration = .init(),
            eventLoop: (any EventLoop)? = nil
        ) async throws -> UDPDriver {
            do {
                return try await UDPDriver.bind(
                    host: host, port: port, configuration: configuration, eventLoop: eventLoop,
                    onDatagram: inbox.handler
                )
            } catch {
                try Test.cancel("cannot bind \(host) on this machine: \(error)")
            }
        }

        static func datagram(_ index: Int) -> [UInt8] {
            // A 4-byte index and a 60-byte body: about the size of a game's input packet.
            withUnsafeBytes(of: UInt32(index).bigEndian) { Array($0) }
                + [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 60)
        }

        static func index(of bytes: [UInt8]) -> Int {
            bytes.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        }

        /// Each side sends `exchangeCount` datagrams to the other in batches, waiting for each
        /// batch to land so the kernel's receive buffer can never overflow.
        static func exchange(
            host: String, configuration: UDPDriver.Configuration = .init(), eventLoop: (any EventLoop)? = nil
        ) async throws {
            let inboxA = DatagramInbox()
            let inboxB = DatagramInbox()
            let a = try await bindOrSkip(host, inbox: inboxA, configuration: configuration, eventLoop: eventLoop)
            let b = try await bindOrSkip(host, inbox: inboxB, configuration: configuration, eventLoop: eventLoop)
            let deadline = ContinuousClock.now + exchangeTimeout
            var receivedByA: Set<Int> = []
            var receivedByB: Set<Int> = []
            for start in stride(from: 0, to: exchangeCount, by: batchSize) {
                let indices = start..<(start + batchSize)
                a.send(indices.map { (b.localAddress, datagram($0)) })
                b.send(indices.map { (a.localAddress, datagram($0)) })
                let atB = await inboxB.next(batchSize, within: deadline - .now)
                let atA = await inboxA.next(batchSize, within: deadline - .now)
                #expect(atB.allSatisfy { $0.from == a.localAddress && $0.bytes == datagram(index(of: $0.bytes)) })
                #expect(atA.allSatisfy { $0.from == b.localAddress })
                receivedByB.formUnion(atB.map { index(of: $0.bytes) })
                receivedByA.formUnion(atA.map { index(of: $0.bytes) })
                if atA.count < batchSize || atB.count < batchSize { break }
            }
            #expect(receivedByA == Set(0..<exchangeCount))
            #expect(receivedByB == Set(0..<exchangeCount))
            let statsA = await a.statistics()
            #expect(statsA.datagramsSent == exchangeCount && statsA.datagramsReceived == exchangeCount)
            await a.close()
            await b.close()
        }

        @Test(arguments: [1, 16])
        func twoDriversExchangeAThousandDatagramsOverIPv4Loopback(datagramsPerSystemCall: Int) async throws {
            try await Self.exchange(
                host: "127.0.0.1", configuration: .init(datagramsPerSystemCall: datagramsPerSystemCall))
        }

        /// A burst waiting in the socket arrives whole, in order, from its sender, however it is
        /// read: with single reads, SwiftNIO's first two and the driver's own `recvmmsg` (no
        /// text address per datagram) for the rest; with SwiftNIO's vector reads, all by
        /// SwiftNIO (the driver reading in the middle of a vector would hand newer datagrams
        /// up before older ones). The receiver's loop is held busy while the burst is sent, so
        /// it is all waiting when the loop reads.
        @Test(arguments: ["127.0.0.1", "::1"], [1, 16])
        func aWaitingBurstIsReadWholeInOrder(host: String, datagramsPerSystemCall: Int) async throws {
            let inbox = DatagramInbox()
            let receiver = try await Self.bindOrSkip(
                host, inbox: inbox, configuration: .init(datagramsPerSystemCall: datagramsPerSystemCall))
            let sender = try await Self.bindOrSkip(host, inbox: DatagramInbox())
            let burst = 40
            let released = DispatchSemaphore(value: 0)
            receiver.eventLoop.execute { _ = released.wait(timeout: .now() + 10) }
            // Two sizes in turn: a run of one sender's equal datagrams would turn receive
            // offload on after the first burst, and SwiftNIO would read the rest coalesced.
            let datagrams = (0..<burst).map { Self.datagram($0) + [UInt8](repeating: 0, count: $0 % 2) }
            sender.send(datagrams.map { (receiver.localAddress, $0) })
            // The sender's loop sends the batch; wait until it has, then let the receiver read.
            let sendDeadline = ContinuousClock.now + Self.exchangeTimeout
            while await sender.statistics().datagramsSent < burst, ContinuousClock.now < sendDeadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            released.signal()
            let arrived = await inbox.next(burst, within: Self.exchangeTimeout)
            #expect(arrived.map(\.bytes) == datagrams)
            #expect(arrived.allSatisfy { $0.from == sender.localAddress })
            let stats = await receiver.statistics()
            #expect(stats.datagramsReceived == burst)
            // The driver's own reads took part with single reads (4 datagrams a call at most on
            // Linux, 1 elsewhere), and none with vector reads.
            if datagramsPerSystemCall == 1 {
                // Bursts of 16 (the default budget), SwiftNIO's two reads in each.
                let bursts = (burst + 15) / 16
                #expect(stats.receiveCalls >= (burst - 2 * bursts) / 4)
                #expect(!stats.offloadsReceive)
            } else {
                #expect(stats.receiveCalls == 0)
            }
            await sender.close()
            await receiver.close()
        }

        /// A first datagram (a client's hello) leaves as soon as the socket is bound, before
        /// SwiftNIO adopts it, and counts in the driver's figures like any other send. The
        /// sender's loop is held busy until the datagram has arrived: it cannot have come
        /// from there.
        @Test(arguments: ["127.0.0.1", "::1"])
        func firstDatagramsLeaveBeforeTheChannelIsSetUp(host: String) async throws {
            let inbox = DatagramInbox()
            let receiver = try await Self.bindOrSkip(host, inbox: inbox)
            let destination = receiver.localAddress
            // A peer of the other family: an IPv4 socket cannot reach it (dropped and counted);
            // an IPv6 one reaches 127.0.0.1 as a mapped address, so use a port nobody has.
            let other = try PeerAddress(numericHost: host == "::1" ? "127.0.0.1" : "::1", port: 9)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            let released = DispatchSemaphore(value: 0)
            loop.execute { _ = released.wait(timeout: .now() + 10) }  // the loop is busy until released
            let binding = Task {
                try await UDPDriver.bind(
                    host: host, eventLoop: loop, sendingFirst: { [(destination, [1, 2, 3]), (other, [4])] },
                    onDatagram: { _, _ in })
            }
            let arrivedWhileBusy = await inbox.next(1, within: .seconds(5))
            released.signal()
            let sender = try await binding.value
            let statistics = await sender.statistics()
            await sender.close()
            await receiver.close()
            try await group.shutdownGracefully()
            #expect(arrivedWhileBusy.map(\.bytes) == [[1, 2, 3]], "sent before the loop could run")
            #expect(statistics.bytesSent >= 3 && statistics.datagramsSent >= 1)
            if host == "127.0.0.1" {
                #expect(statistics.datagramsSent == 1 && statistics.droppedUnsupportedAddress == 1)
            } else {
                // Port 9 on 127.0.0.1 gets the datagram (and ignores it): sent, not dropped.
                #expect(statistics.datagramsSent + statistics.refusedSends == 2)
            }
        }

        @Test func driversShareACallersEventLoopAndLeaveItRunning() async throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let loop = group.next()
            try await Self.exchange(host: "127.0.0.1", eventLoop: loop)
            // Closing the drivers must not have shut the caller's loop down.
            #expect(try await loop.submit { 42 }.get() == 42)
            try await group.shutdownGracefully()
        }

        @Test func multicastGroupMembersReceiveGroupDatagrams() async throws {
            let group = PeerAddress(family: .ipv4, address: [239, 255, 77, 1], port: 0)
            let listenerInbox = DatagramInbox()
            let listener = try await Self.bindOrSkip(
                "0.0.0.0", inbox: listenerInbox, configuration: .init(reusesAddress: true))
            do {
                try await listener.joinMulticastGroup(group)
            } catch {
                await listener.close()
                try Test.cancel("no IPv4 multicast on this host: \(error)")
            }
            await #expect(throws: UDPDriverError.notMulticastGroup(listener.localAddress)) {
                try await listener.joinMulticastGroup(listener.localAddress)
            }
            let sender = try await Self.bindOrSkip("0.0.0.0", inbox: DatagramInbox())
            sender.send([7, 7], to: PeerAddress(family: .ipv4, address: [239, 255, 77, 1], port: listener.port))
            let heard = await listenerInbox.next(1, within: .seconds(2))
            await sender.close()
            await listener.close()
            if heard.isEmpty { try Test.cancel("multicast loopback delivered nothing on this host") }
            #expect(heard.map(\.bytes) == [[7, 7]])
        }

        @Test func twoDriversExchangeAThousandDatagramsOverIPv6Loopback() async throws {
            try await Self.exchange(host: "::1")
        }

        @Test(arguments: [1, 8])
        func oversizeAndGarbageDatagramsAreCountedNotDelivered(datagramsPerSystemCall: Int) async throws {
            let senderInbox = DatagramInbox()
            let receiverInbox = DatagramInbox()
            let sender = try await Self.bindOrSkip("127.0.0.1", inbox: senderInbox)
            let configuration = UDPDriver.Configuration(
                maxDatagramBytes: 100, datagramsPerSystemCall: datagramsPerSystemCall)
            let receiver = try await Self.bindOrSkip("127.0.0.1", inbox: receiverInbox, configuration: configuration)
            let garbage: [UInt8] = [0xFF, 0x00, 0xDE, 0xAD]
            sender.send([
                (receiver.localAddress, [UInt8](repeating: 7, count: 101)),
                (receiver.localAddress, [UInt8](repeating: 7, count: 1400)),
                (receiver.localAddress, []),
                (receiver.localAddress, garbage),
                (.memory(node: 1, port: 1), [1]),
            ])
            // The driver does not judge content: garbage and empty datagrams go up to the protocol,
            // which rejects them; only the size cap is enforced here.
            let delivered = await receiverInbox.next(2, within: Self.exchangeTimeout)
            #expect(delivered.map(\.bytes) == [[], garbage])
            let receiverStats = await receiver.statistics()
            #expect(receiverStats.droppedOversize == 2)
            #expect(receiverStats.datagramsReceived == 4)
            #expect(await sender.statistics().droppedUnsupportedAddress == 1)
            await sender.close()
            await receiver.close()
        }

        #if os(Linux)
        /// Both kinds of socket ask for room for a burst, and Linux grants twice the bytes
        /// asked for (its bookkeeping), capped at twice `net.core.rmem_max`.
        @Test func socketsGetTheReceiveBufferTheyAskFor() async throws {
            let maximum = try #require(
                (try? String(contentsOfFile: "/proc/sys/net/core/rmem_max", encoding: .utf8))
                    .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            let expected = 2 * min(Int(UDPSocket.receiveBufferBytes), maximum)
            let serviced = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            #expect(serviced.receiveBufferBytes == expected)
            serviced.close()
            let driver = try await Self.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
            let granted = try await driver.channel.getOption(.socketOption(.so_rcvbuf)).get()
            #expect(Int(granted) == expected)
            await driver.close()
        }
        #endif

        /// The game-thread socket reads into a buffer it keeps and hands on a datagram it keeps:
        /// a receiver that keeps every datagram must see each as it was sent, whatever the
        /// sizes, in batches read by one call or several.
        @Test func servicedReadsHandOnDatagramsThatNeverChangeLater() throws {
            let receiver = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            let sender = try ServicedUDPSocket.open(host: "127.0.0.1", port: 0)
            defer {
                receiver.close()
                sender.close()
            }
            let sizes = [1, 1_200, 7, 300, 2, 1_000, 64, 1]
            let sent = sizes.enumerated().map { index, size in [UInt8](repeating: UInt8(index + 1), count: size) }
            var kept: [[UInt8]] = []
            for round in 0..<2 {
                sender.send(sent.map { (receiver.localAddress, $0) })
                var attempts = 0
                while kept.count < sent.count * (round + 1), attempts < 200 {
                    attempts += 1
                    _ = receiver.waitUntilReadable(timeout: .milliseconds(50))
                    // Three at most a call: the kept buffers serve several calls.
                    _ = receiver.readAvailable(limit: 3) { source, bytes in
                        #expect(source == sender.localAddress)
                        kept.append(bytes)
                    }
                }
            }
            #expect(kept == sent + sent)
        }

        @Test func closeIsIdempotentAndLaterCallsAreHarmless() async throws {
            let inbox = DatagramInbox()
            let driver = try await Self.bindOrSkip("127.0.0.1", inbox: inbox)
            driver.send([1], to: driver.localAddress)
            _ = await inbox.next(1, within: Self.exchangeTimeout)
            async let first: Void = driver.close()
            async let second: Void = driver.close()
            _ = await (first, second)
            await driver.close()
            driver.send([2], to: driver.localAddress)
            #expect(await driver.statistics().datagramsReceived == 1)
        }

        @Test func repeatingTaskRunsOnTheLoopWithRisingInstants() async throws {
            let driver = try await Self.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
            let (ticks, continuation) = AsyncStream.makeStream(of: NetInstant.self)
            let task = driver.scheduleRepeating(every: .milliseconds(5)) { [eventLoop = driver.eventLoop] now in
                precondition(eventLoop.inEventLoop)
                continuation.yield(now)
            }
            var instants: [NetInstant] = []
            for await instant in ticks {
                instants.append(instant)
                if instants.count == 5 { break }
            }
            task.cancel()
            #expect(instants == instants.sorted() && Set(instants).count == 5)
            await driver.close()
        }

        /// A send the system refuses (here: to port 0, `EINVAL`, which Linux refuses before any
        /// route lookup, so on any machine; on a real network `ENETUNREACH` while a link is
        /// down) costs that datagram only: the socket stays open and the next datagram goes.
        /// SwiftNIO would have closed it. (The broadcast address without `SO_BROADCAST`, used
        /// here before, is refused with `EACCES` only where a route to it exists.)
        @Test func aRefusedSendDropsOneDatagramAndTheSocketCarriesOn() async throws {
            let inbox = DatagramInbox()
            let sender = try await Self.bindOrSkip("127.0.0.1", inbox: DatagramInbox())
            let receiver = try await Self.bindOrSkip("127.0.0.1", inbox: inbox)
            let portZero = PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 0)
            let loopback = PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: receiver.port)
            sender.send([(portZero, [1]), (loopback, [2])])
            sender.send([3], to: loopback)
            let heard = await inbox.next(2, within: Self.exchangeTimeout)
            let statistics = await sender.statistics()
            await sender.close()
            await receiver.close()
            #expect(heard.map(\.bytes) == [[2], [3]])
            #expect(statistics.refusedSends == 1 && statistics.datagramsSent == 2)
            #expect(statistics.lastRefusal == EINVAL)
        }

        @Test func onBoundGetsTheDriverOnItsLoopBeforeBindReturns() async throws {
            let seen = NIOLockedValueBox<(onLoop: Bool, port: UInt16)?>(nil)
            let inbox = DatagramInbox()
            let driver = try await UDPDriver.bind(
                host: "127.0.0.1",
                onBound: { driver in seen.withLockedValue { $0 = (driver.eventLoop.inEventLoop, driver.port) } },
                onDatagram: inbox.handler)
            let observed = seen.withLockedValue { $0 }
            await driver.close()
            #expect(observed?.onLoop == true)
            #expect(observed?.port == driver.port)
        }

        @Test func aHostNameIsRefusedNotLookedUp() async throws {
            await #expect(throws: SocketAddressError.failedToParseIPString("localhost")) {
                _ = try await UDPDriver.bind(host: "localhost", onDatagram: { _, _ in })
            }
            #expect(throws: SocketAddressError.failedToParseIPString("localhost")) {
                _ = try ServicedUDPSocket.open(host: "localhost", port: 0)
            }
        }

        @Test func socketAddressesConvertBothWays() throws {
            let v4 = try SocketAddress(ipAddress: "192.168.1.20", port: 7777)
            let peer4 = try #require(PeerAddress(v4))
            #expect(peer4 == PeerAddress(family: .ipv4, address: [192, 168, 1, 20], port: 7777))
            #expect(SocketAddress(peer4, mapsIPv4ToIPv6: false) == v4)

            let v6 = try SocketAddress(ipAddress: "2001:db8::1", port: 443)
            let peer6 = try #require(PeerAddress(v6))
            #expect(peer6.description == "[2001:db8:0:0:0:0:0:1]:443")
            #expect(SocketAddress(peer6, mapsIPv4ToIPv6: false) == v6)

            // A dual-stack socket reports IPv4 senders as ::ffff:a.b.c.d; they stay one peer.
            let mapped = try SocketAddress(ipAddress: "::ffff:192.168.1.20", port: 7777)
            #expect(PeerAddress(mapped) == peer4)
            #expect(SocketAddress(peer4, mapsIPv4ToIPv6: true) == mapped)
            #expect(SocketAddress(.memory(node: 1, port: 2), mapsIPv4ToIPv6: false) == nil)
            // Only the whole ::ffff:0:0/96 prefix maps: ::1 and ::fffe:… stay IPv6.
            let loopback6 = try SocketAddress(ipAddress: "::1", port: 5)
            #expect(
                PeerAddress(loopback6)
                    == PeerAddress(family: .ipv6, address: Array(repeating: 0, count: 15) + [1], port: 5))
            let nearMiss = try SocketAddress(ipAddress: "::fffe:192.168.1.20", port: 5)
            #expect(PeerAddress(nearMiss)?.family == .ipv6)

            let scoped = PeerAddress(
                family: .ipv6, address: [0xFE, 0x80] + Array(repeating: 0, count: 13) + [1, 0, 0, 0, 3], port: 9)
            let scopedAddress = try #require(SocketAddress(scoped, mapsIPv4ToIPv6: false))
            guard case .v6(let raw) = scopedAddress else { throw SocketAddressError.unsupported }
            #expect(raw.address.sin6_scope_id == 3)
            #expect(PeerAddress(scopedAddress) == scoped)
        }

        /// What each send call is given: the bytes of a `sockaddr_in` or `sockaddr_in6`, made
        /// from the peer's address for the socket's family with nothing kept.
        @Test func socketNamesAreTheSystemsBytesForTheSocketsFamily() throws {
            func bytes(_ name: SocketName?) -> [UInt8]? {
                name?.withSockAddr { address, length in
                    Array(UnsafeRawBufferPointer(start: address, count: Int(length)))
                }
            }
            let peer4 = PeerAddress(family: .ipv4, address: [192, 168, 1, 20], port: 7777)
            var ipv4 = sockaddr_in()
            ipv4.sin_family = sa_family_t(AF_INET)
            ipv4.sin_port = UInt16(7777).bigEndian
            ipv4.sin_addr.s_addr = UInt32(bigEndian: 0xC0A8_0114)
            #if canImport(Darwin)
            ipv4.sin_len = UInt8(MemoryLayout<sockaddr_in>.size)
            #endif
            #expect(bytes(SocketName(peer4, socketFamily: .ipv4)) == withUnsafeBytes(of: ipv4) { Array($0) })

            // From an IPv6 socket, an IPv4 peer is ::ffff:192.168.1.20.
            let mapped = try #require(SocketName(peer4, socketFamily: .ipv6))
            #expect(mapped.length == socklen_t(MemoryLayout<sockaddr_in6>.size))
            #expect(mapped.storage.sin6_family == sa_family_t(AF_INET6))
            #expect(mapped.storage.sin6_port == UInt16(7777).bigEndian)
            let mappedBytes: [UInt8] = Array(repeating: 0, count: 10) + [0xFF, 0xFF, 192, 168, 1, 20]
            #expect(withUnsafeBytes(of: mapped.storage.sin6_addr) { Array($0) } == mappedBytes)

            let peer6 = try #require(PeerAddress(try SocketAddress(ipAddress: "2001:db8::1", port: 443)))
            let name6 = try #require(SocketName(peer6, socketFamily: .ipv6))
            #expect(
                withUnsafeBytes(of: name6.storage.sin6_addr) { Array($0) } == [0x20, 0x01, 0x0D, 0xB8]
                    + Array(repeating: 0, count: 11) + [1])
            #expect(name6.storage.sin6_port == UInt16(443).bigEndian)
            #expect(name6.storage.sin6_scope_id == 0)

            // What a socket cannot reach, or what is no IP address, has no name; the send
            // paths count such a datagram as dropped.
            #expect(SocketName(peer6, socketFamily: .ipv4) == nil)
            #expect(SocketName(.memory(node: 1, port: 2), socketFamily: .ipv6) == nil)
            var statistics = UDPDriver.Statistics()
            #expect(SocketName.of(peer6, socketFamily: .ipv4, countingDropsIn: &statistics) == nil)
            #expect(statistics.droppedUnsupportedAddress == 1)
        }
    }
}
