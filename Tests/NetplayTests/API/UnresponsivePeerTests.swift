import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayProtocol
@testable import NetplayWire

extension APITests {
    /// Bounded form of `netplay attack silent-peer`: a client that keeps its connection alive
    /// with keepalives but never acknowledges anything.
    @Suite struct UnresponsivePeer {
        @Test("a peer that sends keepalives but never acknowledges reliable data is dropped as unresponsive")
        func silentPeerIsDroppedAfterTheTimeout() throws {
            let options = NetOptions()
            let registry = MessageRegistry(APISetup.messages)
            let config = options.protocolConfig(game: APISetup.game, joinCode: nil, registry: registry)
            var core = NetCore(
                host: HostEndpoint(config: config, random: .seeded(1)), registry: registry, options: options)
            // A protocol-level client with no channel layer: it never sends a channel payload,
            // so never an acknowledgement, only the connection's keepalives.
            var silent = ClientEndpoint(config: config, host: APISetup.hostAddress, now: .zero, random: .seeded(2))
            let address = APISetup.clientAddress(0)
            let chat = try registry.encode(Chat(text: String(repeating: "x", count: 1_000)))
            var now = NetInstant.zero
            var firstSend: NetInstant?
            var dropped: (NetPeer, NetInstant)?
            var hostEvents: [NetEvent] = []
            for _ in 0..<300 where dropped == nil {
                now = now + .milliseconds(100)
                silent.update(now: now)
                for datagram in silent.drainOutgoing() { core.receive(datagram.bytes, from: address, now: now) }
                var messages: [OutboundMessage] = []
                if let peer = core.connectedPeers.first, firstSend == nil {
                    firstSend = now
                    messages = (0..<30).map { _ in
                        OutboundMessage(bytes: MessageBytes(chat), channel: ChannelID(0), recipients: .peer(peer))
                    }
                }
                core.tick(now: now, messages: messages)
                for datagram in core.drainOutgoing() {
                    silent.receive(datagram.bytes, from: APISetup.hostAddress, now: now)
                }
                for event in core.drainEvents() {
                    hostEvents.append(event)
                    if case .disconnected(let peer, .unresponsive) = event { dropped = (peer, now) }
                }
            }
            let (_, droppedAt) = try #require(dropped)
            let sent = try #require(firstSend)
            #expect(droppedAt - sent >= options.unresponsiveTimeout)
            #expect(droppedAt - sent <= options.unresponsiveTimeout + .milliseconds(200))
            // The silent client was still told, in case it listens.
            let reasons = silent.drainEvents().compactMap { if case .disconnected(let r) = $0 { r } else { nil } }
            #expect(reasons == [.closedByPeer(reason: DisconnectReason.unresponsive.description)])
        }
    }
}
