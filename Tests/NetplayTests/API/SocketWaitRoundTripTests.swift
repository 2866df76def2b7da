import Foundation
import Testing

@testable import Netplay
@testable import NetplayDrivers

extension APITests {
    /// A network thread that coalesces its reads lets datagrams wait in its socket, and has
    /// the kernel stamp their arrival; its acknowledgements count their delay (and hold) from
    /// there (docs/PROTOCOL.md §5, "arrival"), so its players' round trips leave the wait out.
    /// Each chat here waits about the host's 10 ms delay; a round trip that counted the wait
    /// would not fall under 5 ms (9 ms after 60 chats, with the stamps left off). (It may
    /// take more than 20 chats: Linux may stamp the first datagrams after the host asks for
    /// stamps at their read, see `ServicedArrivalStampTests.attempts`, and the smoothed figure
    /// forgets only an eighth of the past a sample.)
    @Suite("Round trips leave out a wait in the socket", .timeLimit(.minutes(1)))
    struct SocketWaitRoundTrips {
        /// Chats sent, each left to wait in the host's socket before it is read: at least
        /// ``leastChats`` (the round trip starts small, from the handshake's samples), then on
        /// until it reads under ``exactEnough``, at most ``chats``.
        static let leastChats = 20
        static let chats = 60
        /// The host's delay (the default on Linux, set here for every system).
        static let coalescingDelay = Duration.milliseconds(10)
        /// Well under the wait, well over a loopback round trip.
        static let exactEnough = Duration.milliseconds(5)

        // Linux stamps arrivals; elsewhere the wait shows (which the default's 1 ms keeps small).
        #if os(Linux)
        @Test func aHostCoalescingItsReadsKeepsItsPlayersRoundTripsExact() async throws {
            var options = NetOptions.loopbackTest()
            options.readCoalescingDelay = Self.coalescingDelay
            let (host, transport) = try await ReadCoalescing.host(options)
            let clients = try await ReadCoalescing.join(5, to: host, options: .loopbackTest())
            let sender = clients[0]
            var roundTrip: Duration { sender.statistics?.roundTripTime ?? .seconds(1) }
            for index in 0..<Self.chats where index < Self.leastChats || roundTrip >= Self.exactEnough {
                // Sent just after a read, which leaves the socket out for the delay: the chat
                // waits there until the delay's end (nothing polls the host).
                let before = transport.socket.statistics.datagramsReceived
                try sender.send(Chat(text: "\(index)"), on: .reliableOrdered)
                #expect(
                    await pollUntil(within: .seconds(5), every: .milliseconds(1)) {
                        transport.socket.statistics.datagramsReceived > before
                    }, "chat \(index) never read")
            }
            #expect(roundTrip < Self.exactEnough, "the sender's round trip reads \(roundTrip)")
            for client in clients { await client.close() }
            await host.close()
        }
        #endif
    }
}
