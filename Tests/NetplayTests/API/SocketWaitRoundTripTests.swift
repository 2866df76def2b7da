import Foundation
import Testing

@testable import Netplay
@testable import NetplayDrivers

extension APITests {
    /// A reader that lets datagrams wait in its socket (a game-thread game reading at its
    /// polls; a network thread coalescing its reads) has the kernel stamp their arrival, and
    /// its acknowledgements count their delay from there (docs/PROTOCOL.md §5, "arrival"):
    /// its players' round trips leave the wait out. Each chat here waits 10–20 ms in the
    /// host's socket; a round trip that counted the wait would read about that much, and
    /// not fall under 5 ms (20 and 9 ms after 60 chats, with the stamps left off).
    /// (It may take more chats: Linux may stamp the first datagrams after the host asks for
    /// stamps at their read, see `ServicedArrivalStampTests.attempts`, and the smoothed figure
    /// forgets only an eighth of the past a sample.)
    @Suite("Round trips leave out a wait in the socket", .timeLimit(.minutes(1)))
    struct SocketWaitRoundTrips {
        /// Chats sent, each left to wait in the host's socket before it is read: at least
        /// ``leastChats`` (the round trip starts small, from the handshake's samples), then on
        /// until it reads under ``exactEnough``, at most ``chats``.
        static let leastChats = 20
        static let chats = 60
        /// How long each waits for a game-thread host's next frame.
        static let wait = Duration.milliseconds(20)
        /// The coalescing host's delay: 10 ms, so that with the 15 ms an acknowledgement may be
        /// held after the read it is reported within the 25 ms a peer takes out of a sample.
        static let coalescingDelay = Duration.milliseconds(10)
        /// Well under the wait, well over a loopback round trip.
        static let exactEnough = Duration.milliseconds(5)

        @Test func aGameThreadHostReadingAtItsFramesKeepsItsPlayersRoundTripsExact() async throws {
            let host = try await NetHost.start(
                game: APISetup.game, port: 0, interface: "127.0.0.1", messages: APISetup.messages,
                options: .loopbackTest(.gameThread), advertise: nil)
            let admitting = HostLoop(host) { _, _ in }
            let client = try await NetClient.connect(
                to: "127.0.0.1", port: Int(host.port), game: APISetup.game, messages: APISetup.messages,
                options: .loopbackTest())
            admitting.stop()
            let transport = try #require(host.session.attachedTransport as? SocketTransport)
            var roundTrip: Duration { client.statistics?.roundTripTime ?? .seconds(1) }
            for index in 0..<Self.chats where index < Self.leastChats || roundTrip >= Self.exactEnough {
                // A frame: the game polls (no waiting: a game that reads by frames).
                _ = host.poll()
                let before = transport.socket.statistics.datagramsReceived
                try client.send(Chat(text: "\(index)"), on: .reliableOrdered)
                try await Task.sleep(for: Self.wait)
                // The next frame reads the chat and acknowledges it at its flush.
                _ = host.poll()
                host.flush()
                #expect(transport.socket.statistics.datagramsReceived > before, "chat \(index) not read at its frame")
                // The acknowledgement reaches the client's network thread.
                try await Task.sleep(for: .milliseconds(2))
            }
            #expect(roundTrip < Self.exactEnough, "the client's round trip reads \(roundTrip)")
            await client.close()
            let closing = HostLoop(host) { _, _ in }
            await host.close()
            closing.stop()
        }

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
    }
}
