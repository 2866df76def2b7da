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

extension APITests {
    /// Host and clients over the in-memory network in virtual time, through the public API.
    @Suite struct SimulatedSession {
        let net = SimulatedNetwork(seed: 7)

        @Test func hostSeesItsOwnPlayerFirstThenTheClient() throws {
            let (host, hostLog, client, _, peer) = try net.connectedPair()
            #expect(hostLog.seen.prefix(2) == [.connected(.host), .connected(peer)])
            #expect(host.peers == [peer])
            #expect(client.isConnected)
            #expect(client.session.handshake.value == .some(nil))
        }

        @Test func messagesFlowBothWaysAndTheHostReceivesItsOwnBroadcast() throws {
            let (host, hostLog, client, clientLog, peer) = try net.connectedPair()
            try client.send(Chat(text: "hello host"))
            try host.send(Step(x: 1.5, y: -2), on: .unreliableSequenced)
            try host.send(Chat(text: "just you"), to: .peer(peer))
            try host.send(Chat(text: "not you"), to: .everyoneExcept(peer))
            net.run(for: .milliseconds(50))
            #expect(hostLog.update().contains(.chat("hello host", from: peer)))
            #expect(hostLog.seen.contains(.step(Step(x: 1.5, y: -2), from: .host)))
            #expect(hostLog.seen.contains(.chat("not you", from: .host)))
            #expect(!hostLog.seen.contains(.chat("just you", from: .host)))
            #expect(clientLog.update().contains(.step(Step(x: 1.5, y: -2), from: .host)))
            #expect(clientLog.seen.contains(.chat("just you", from: .host)))
            #expect(!clientLog.seen.contains(.chat("not you", from: .host)))
            #expect(host.statistics(for: peer)?.messagesReceived == 1)
            #expect(client.statistics?.messagesReceived == 2)
        }

        @Test func messagesSentDuringTheHandshakeWaitForIt() throws {
            let (_, hostLog, client) = try net.hostAndClientSendingEarly("early")
            #expect(net.run(until: { hostLog.update().count == 3 }, limit: .seconds(1)))
            let peer = try #require(client.localPeer)
            #expect(hostLog.seen == [.connected(.host), .connected(peer), .chat("early", from: peer)])
        }

        @Test func unregisteredOversizeAndUnknownChannelSendsAreRefusedAtOnce() throws {
            let (host, _, client, _, _) = try net.connectedPair()
            #expect(throws: NetSendError.unregisteredMessage("Unlisted")) { try client.send(Unlisted(value: 1)) }
            #expect(throws: NetSendError.unknownChannel(NetChannel(ChannelID(9)))) {
                try host.send(Chat(text: "?"), on: NetChannel(ChannelID(9)))
            }
            let big = Chat(text: String(repeating: "x", count: 20_000))
            #expect(throws: NetSendError.self) { try host.send(big, on: .unreliable) }
        }

        /// Each small message counts as 64 bytes (``MessageBytes/minimumQueueCharge``): what the
        /// session keeps for it besides its bytes.
        @Test func fullSendBufferThrowsQueueFullUntilATickDrainsIt() throws {
            var options = NetOptions()
            options.maxBufferedSendBytes = 10 * MessageBytes.minimumQueueCharge
            let (_, _, client, _, _) = try net.connectedPair(options: options)
            var accepted = 0
            while accepted < 1_000, (try? client.send(Chat(text: "0123456789"))) != nil { accepted += 1 }
            #expect(accepted == 10)
            #expect(throws: NetSendError.queueFull) { try client.send(Chat(text: "0123456789")) }
            net.run(for: net.tickInterval)
            try client.send(Chat(text: "room again"))
        }

        /// Raising the largest message raises each channel's room with it: two such messages go
        /// into the channel at once, the second waiting there while the first is in flight,
        /// instead of the second waiting in the send buffer until the first is acknowledged.
        @Test func aChannelTakesTwoOfTheLargestMessagesOnceTheLimitIsRaised() throws {
            var options = NetOptions()
            options.maxReliableMessageBytes = (1 << 20) + 64
            options.maxBufferedSendBytes = 4 << 20
            let (_, _, client, _, _) = try net.connectedPair(options: options, messages: [Blob.self])
            let large = Blob(bytes: [UInt8](repeating: 7, count: 1 << 20))
            try client.send(large)
            try client.send(large)
            net.run(for: net.tickInterval)
            #expect(client.session.core.withLock { $0.backlog.isEmpty })
            #expect(client.session.buffer.withLock { $0.charge == 0 && $0.waitingCharge == 0 })
        }

        @Test func clientCloseIsClosedByPeerAtTheHostAndClosedLocallyAtTheClient() async throws {
            let (host, hostLog, client, clientLog, peer) = try net.connectedPair()
            try client.send(Chat(text: "bye"))
            client.session.requestClose()
            #expect(throws: NetSendError.closed) { try client.send(Chat(text: "too late")) }
            #expect(net.run(until: { hostLog.disconnectReason(of: peer) != nil }, limit: .seconds(2)))
            #expect(
                hostLog.seen.suffix(2) == [.chat("bye", from: peer), .disconnected(peer, .closedByPeer(reason: nil))])
            #expect(clientLog.disconnectReason(of: .host) == .closedLocally)
            await client.close()  // idempotent, and returns at once: already closed
            await client.close()
            #expect(host.peers.isEmpty)
        }

        @Test func eventsStreamDeliversTheSameEventsAndEndsWithTheSession() async throws {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let stream = host.events
            #expect(host.poll().isEmpty)  // the stream has taken over
            host.session.requestClose()
            net.run(until: { host.session.finished.value != nil }, limit: .seconds(2))
            var seen: [SeenEvent] = []
            for await event in stream { seen.append(SeenEvent(event)) }
            #expect(seen == [.connected(.host), .disconnected(.host, .closedLocally)])
            await host.close()
        }

        @Test func cancellingTheReadingTaskEndsTheEventsSequence() async throws {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let stream = host.events
            let reader = Task {
                var seen: [SeenEvent] = []
                for await event in stream { seen.append(SeenEvent(event)) }
                return seen
            }
            // The host's first tick announces its own player; then the reader waits for more.
            net.run(until: { false }, limit: .milliseconds(50))
            // The session goes on; only the reader stops, after what was already there.
            reader.cancel()
            #expect(await reader.value == [.connected(.host)])
            host.session.requestClose()
            net.run(until: { host.session.finished.value != nil }, limit: .seconds(2))
            await host.close()
        }
    }
}

/// Raw bytes, as large as the channel allows.
private struct Blob: NetMessage {
    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    func encode(to writer: inout BitWriter) throws(WireError) {
        writer.writeFixed(UInt32(bytes.count))
        writer.writeRawBytes(bytes)
    }

    init(from reader: inout BitReader) throws(WireError) {
        let count = Int(try reader.readFixed(UInt32.self))
        guard count <= 2 << 20 else {
            throw WireError(.lengthTooLarge(length: UInt64(count), limit: 2 << 20), expected: "blob length", at: 0)
        }
        bytes = try reader.readRawBytes(count)
    }
}
