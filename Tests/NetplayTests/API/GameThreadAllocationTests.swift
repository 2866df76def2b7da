import AllocationCounter
import Testing

@testable import Netplay
@testable import NetplayBase

extension APITests {
    /// What `Allocations` counts with a transport of the test's own, counted here through a
    /// real socket: a game-thread host and client on loopback, both serviced by the test's
    /// thread, ping-ponging. Every allocation of the round trip (the library's, the socket
    /// driver's, the flush it asks for) happens on this one thread, so all are counted.
    @Suite(.enabled(if: netplay_allocation_counting_available() == 1, "allocations are counted on Linux only"))
    struct GameThreadAllocations {
        /// Committed ceiling, allocations per round trip (two messages, one each way). (8 when
        /// first counted, in this debug build, and 2 in release: the flush a send asks for was
        /// queued as a bare closure, which the list wrapped in a thunk of its own, in a list
        /// drained with a new reservation each time; and 26 more over IPv6, where each source
        /// address went through SwiftNIO's `SocketAddress` and arrays.)
        static let ceilingPerRoundTrip = 0.0
        static let warmUpRoundTrips = 200
        static let measuredRoundTrips = 200

        /// The host's interface and the address the client connects to: IPv4, IPv6, and a
        /// dual-stack host (the default), which reads an IPv4 client as `::ffff:127.0.0.1`.
        static let paths = [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("::", "127.0.0.1")]

        @Test(arguments: paths)
        func roundTripsOnTheGameThreadAllocateNothing(interface: String, address: String) async throws {
            var options = NetOptions()
            options.servicing = .gameThread
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: interface, messages: [Sample16.self], options: options,
                advertise: nil)
            let admitting = HostLoop(host) { _, _ in }
            let client = try await NetClient.connect(
                to: address, port: Int(host.port), game: APISetup.game, messages: [Sample16.self], options: options)
            admitting.stop()
            let peer = try #require(client.localPeer)
            let perRoundTrip = try Self.allocationsPerRoundTrip(client, host, peer)
            print("allocations per game-thread round trip, host on \(interface): \(perRoundTrip)")
            #expect(perRoundTrip <= Self.ceilingPerRoundTrip, "\(perRoundTrip) allocations a round trip")
            await client.close()
            await host.close()
        }

        /// Allocations on this thread per round trip, counted over `measuredRoundTrips` after
        /// `warmUpRoundTrips` (every one of which must complete).
        static func allocationsPerRoundTrip(_ client: NetClient, _ host: NetHost, _ peer: NetPeer) throws -> Double {
            var completed = 0
            for _ in 0..<warmUpRoundTrips where try roundTrip(client, host, peer) { completed += 1 }
            netplay_allocation_counting_start()
            for _ in 0..<measuredRoundTrips where try roundTrip(client, host, peer) { completed += 1 }
            let allocations = netplay_allocation_counting_stop()
            #expect(completed == warmUpRoundTrips + measuredRoundTrips, "round trips lost")
            return Double(allocations) / Double(measuredRoundTrips)
        }

        /// The client's message to the host, and the host's echo back, each serviced until it
        /// arrives; whether both did (bounded: a lost one fails the test rather than hanging
        /// it). Nothing here allocates of its own: no closures, no `#require` while counting.
        static func roundTrip(_ client: NetClient, _ host: NetHost, _ peer: NetPeer) throws -> Bool {
            try client.send(Sample16(), on: .reliableOrdered)
            client.flush()
            var arrived = false
            for _ in 0..<1_000 where !arrived { arrived = containsSample(host.poll(waitingUpTo: .milliseconds(10))) }
            guard arrived else { return false }
            try host.send(Sample16(), on: .reliableOrdered, to: .peer(peer))
            host.flush()
            var echoed = false
            for _ in 0..<1_000 where !echoed { echoed = containsSample(client.poll(waitingUpTo: .milliseconds(10))) }
            return echoed
        }

        static func containsSample(_ events: [NetEvent]) -> Bool {
            for index in events.indices {
                if case .message(_ as Sample16, _) = events[index] { return true }
            }
            return false
        }
    }
}

extension APITests {
    /// The same ping-pong with a network thread on each side (SwiftNIO's event loops),
    /// counted on the game's side: `send`, `flush`, `poll(waitingUpTo:)`. (The loops are not
    /// counted here: in this debug build SwiftNIO's own unspecialized code allocates some 17
    /// times a round trip on each. In release, under callgrind, each loop allocates twice a
    /// datagram SwiftNIO reads, for the source address it makes, and Netplay nothing.)
    @Suite(.enabled(if: netplay_allocation_counting_available() == 1, "allocations are counted on Linux only"))
    struct NetworkThreadAllocations {
        /// Committed ceiling, allocations per round trip on the game's thread. (One a send
        /// when first counted: the flush request wrapped its work in a new closure for the
        /// event loop each time.)
        static let ceilingOnTheGameThread = 0.0

        @Test func theGamesSideOfARoundTripAllocatesNothing() async throws {
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: [Sample16.self], advertise: nil)
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: [Sample16.self])
            let peer = try #require(client.localPeer)
            let perRoundTrip = try APITests.GameThreadAllocations.allocationsPerRoundTrip(client, host, peer)
            print("allocations per network-thread round trip on the game's thread: \(perRoundTrip)")
            #expect(perRoundTrip <= Self.ceilingOnTheGameThread, "\(perRoundTrip) allocations a round trip")
            await client.close()
            await host.close()
        }
    }
}
