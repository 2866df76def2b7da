import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayProtocol
@testable import NetplayTesting
@testable import NetplayWire

extension APITests {
    /// What becomes of messages waiting behind full channels when the session's life moves
    /// on: room made in one of several slots, a graceful close, the host's departure.
    @Suite struct SendBacklogLifecycle {
        let registry = MessageRegistry(APISetup.messages)

        /// A host core and `count` client cores with channels, connected.
        func connected(
            clients count: Int, hostOptions: NetOptions = NetOptions(), clientOptions: NetOptions = NetOptions()
        ) throws -> (NetCore, [NetCore], NetInstant) {
            let hostConfig = hostOptions.protocolConfig(game: APISetup.game, joinCode: nil, registry: registry)
            let clientConfig = clientOptions.protocolConfig(game: APISetup.game, joinCode: nil, registry: registry)
            var host = NetCore(
                host: HostEndpoint(config: hostConfig, random: .seeded(1)), registry: registry, options: hostOptions)
            var clients = (0..<count).map {
                NetCore(
                    client: ClientEndpoint(
                        config: clientConfig, host: APISetup.hostAddress, now: .zero, random: .seeded(UInt64(2 + $0))),
                    registry: registry, options: clientOptions)
            }
            var now = NetInstant.zero
            for _ in 0..<200
            where host.connectedPeers.count < count || clients.contains(where: { $0.connectedPeers.isEmpty }) {
                now = now + .milliseconds(10)
                for index in clients.indices {
                    clients[index].tick(now: now, messages: [])
                    for datagram in clients[index].drainOutgoing() {
                        host.receive(datagram.bytes, from: APISetup.clientAddress(index), now: now)
                    }
                }
                host.serviceHandshakes(now: now)
                host.tick(now: now, messages: [])
                route(host.drainOutgoing(), to: &clients, now: now)
            }
            try #require(host.connectedPeers.count == count)
            try #require(clients.allSatisfy { $0.connectedPeers == [.host] })
            _ = host.drainEvents()
            for index in clients.indices { _ = clients[index].drainEvents() }
            return (host, clients, now)
        }

        func route(_ datagrams: [Datagram], to clients: inout [NetCore], now: NetInstant, only: Int? = nil) {
            for datagram in datagrams {
                guard let index = (0..<clients.count).first(where: { APISetup.clientAddress($0) == datagram.address })
                else { continue }
                if let only, only != index { continue }
                clients[index].receive(datagram.bytes, from: APISetup.hostAddress, now: now)
            }
        }

        func chat(_ text: String, to recipients: NetRecipients) throws -> OutboundMessage {
            OutboundMessage(
                bytes: MessageBytes(try registry.encode(Chat(text: text))), channel: ChannelID(0),
                recipients: recipients)
        }

        /// A broadcast ahead of two clients waits in two slots; acknowledgements from the
        /// second only make room in its slot, which the end of that read burst must see (it
        /// asked the first slot only, and the second's messages waited for the next tick).
        @Test("the end of a read burst sees room in any slot, not only the first")
        func roomInASecondSlotIsSeen() throws {
            var hostOptions = NetOptions()
            hostOptions.channels.maxQueuedBytesPerChannel = 512
            var (host, clients, now) = try connected(clients: 2, hostOptions: hostOptions)
            now = now + .milliseconds(5)
            let broadcast = try (0..<20).map {
                try chat("b\($0) " + String(repeating: "x", count: 50), to: .everyoneExcept(.host))
            }
            host.tick(now: now, messages: broadcast)
            let first = try #require(host.backlog.first?.slot)
            let outgoing = host.drainOutgoing()
            let second = try #require(host.connectedPeers.first { $0 != first.peer })
            let secondIndex = try #require(clients.firstIndex { $0.localPeer == second })
            #expect(host.backlog.contains(SendBacklog.Slot(peer: second, channel: ChannelID(0))))
            // Only the second client hears, and acknowledges.
            now = now + .milliseconds(5)
            route(outgoing, to: &clients, now: now, only: secondIndex)
            clients[secondIndex].tick(now: now + .milliseconds(50), messages: [])
            for datagram in clients[secondIndex].drainOutgoing() {
                host.receive(datagram.bytes, from: APISetup.clientAddress(secondIndex), now: now + .milliseconds(55))
            }
            let secondHasRoom = host.peers.update(second) { $0.channels.hasRoomForBacklog(60, on: ChannelID(0)) }
            let firstHasRoom = host.peers.update(first.peer) { $0.channels.hasRoomForBacklog(60, on: ChannelID(0)) }
            #expect(secondHasRoom == true && firstHasRoom == false)
            let mayMove = host.backlogMayMove()
            #expect(mayMove)
        }

        /// Unreliable messages to a client, more than its channel holds: a tick sends what the
        /// channel held, which leaves room. The next flush of sends, with nothing new sent and
        /// nothing read, moves waiting messages into that room and sends them then: moving
        /// them lists their peer as owing a flush. Unlisted, they waited for the next tick.
        @Test("a flush that moves waiting messages into their channel sends them at once")
        func movedMessagesLeaveAtTheFlush() throws {
            var hostOptions = NetOptions()
            hostOptions.channels.maxQueuedBytesPerChannel = 512
            var (host, _, now) = try connected(clients: 1, hostOptions: hostOptions)
            let client = try #require(host.connectedPeers.first)
            let text = String(repeating: "u", count: 50)
            let messages = try (0..<30).map { index in
                var message = try chat("\(index) " + text, to: .peer(client))
                message.channel = NetChannel.unreliable.id
                return message
            }
            now = now + .milliseconds(5)
            host.tick(now: now, messages: messages)
            let waitingAfterTick = host.backlog.count
            #expect(waitingAfterTick > 0 && waitingAfterTick < 30)
            #expect(!host.drainOutgoing().isEmpty)

            now = now + .milliseconds(1)
            _ = host.flushSends(now: now, messages: [])
            #expect(host.backlog.count < waitingAfterTick)
            #expect(!host.drainOutgoing().isEmpty, "the moved messages should leave at this flush")
        }

        /// A client core sends before its handshake is over: nothing is connected to take the
        /// message, so it waits (it is not dropped), and reaches the host once connected.
        @Test("a client's message sent while it handshakes waits, and arrives once it is connected")
        func aHandshakingClientsMessageWaits() throws {
            let config = NetOptions().protocolConfig(game: APISetup.game, joinCode: nil, registry: registry)
            var host = NetCore(
                host: HostEndpoint(config: config, random: .seeded(1)), registry: registry, options: NetOptions())
            var clients = [
                NetCore(
                    client: ClientEndpoint(config: config, host: APISetup.hostAddress, now: .zero, random: .seeded(2)),
                    registry: registry, options: NetOptions())
            ]
            var now = NetInstant.zero
            clients[0].tick(now: now, messages: [try chat("early", to: .peer(.host))])
            #expect(clients[0].backlog.count == 1)
            var heard: [NetEvent] = []
            for _ in 0..<200 where !heard.contains(where: { if case .message = $0 { true } else { false } }) {
                now = now + .milliseconds(10)
                clients[0].tick(now: now, messages: [])
                for datagram in clients[0].drainOutgoing() {
                    host.receive(datagram.bytes, from: APISetup.clientAddress(0), now: now)
                }
                host.serviceHandshakes(now: now)
                host.tick(now: now, messages: [])
                route(host.drainOutgoing(), to: &clients, now: now)
                heard += host.drainEvents()
            }
            let chats = heard.compactMap { event -> String? in
                guard case .message(let message as Chat, _) = event else { return nil }
                return message.text
            }
            #expect(chats == ["early"])
            #expect(clients[0].backlog.isEmpty)
        }

        /// A client closing with messages behind a full channel: the host's reliable answer
        /// acknowledges everything in the channel, and is answered on the way (every 8
        /// payloads, as `NetSession.receive` does), which ran the close's check before the
        /// backlog was retried: the close ended, and the waiting messages were dropped.
        @Test("a graceful close waits for the messages behind a full channel")
        func aCloseWaitsForTheBacklog() throws {
            var clientOptions = NetOptions()
            clientOptions.channels.maxQueuedBytesPerChannel = 512
            var (host, clients, now) = try connected(clients: 1, clientOptions: clientOptions)
            let peer = host.connectedPeers[0]
            now = now + .milliseconds(5)
            let toHost = try (0..<20).map { try chat("c\($0) " + String(repeating: "x", count: 50), to: .peer(.host)) }
            clients[0].tick(now: now, messages: toHost)
            try #require(clients[0].backlog.count > 0)
            for datagram in clients[0].drainOutgoing() {
                host.receive(datagram.bytes, from: APISetup.clientAddress(0), now: now)
            }
            clients[0].closeRequested = true
            clients[0].tick(now: now, messages: [])
            _ = clients[0].drainOutgoing()
            now = now + .milliseconds(5)
            let toClient = try (0..<12).map {
                try chat("h\($0) " + String(repeating: "y", count: 1_000), to: .peer(peer))
            }
            host.tick(now: now, messages: toClient)
            now = now + .milliseconds(5)
            var answered = 0
            for datagram in host.drainOutgoing() {
                clients[0].receive(datagram.bytes, from: APISetup.hostAddress, now: now)
                if clients[0].acknowledgementDueNow, clients[0].payloadsSinceFlush >= NetSession.payloadsBeforeAnswering
                {
                    _ = clients[0].flushReceived(now: now)
                    answered += 1
                }
            }
            #expect(answered > 0, "the burst should have been answered on the way")
            #expect(clients[0].phase != .closed, "closed with \(clients[0].backlog.count) messages waiting")
            // The close goes on to send them: every one reaches the host.
            var hostChats = 0
            for _ in 0..<200 where clients[0].phase != .closed {
                now = now + .milliseconds(10)
                clients[0].tick(now: now, messages: [])
                for datagram in clients[0].drainOutgoing() {
                    host.receive(datagram.bytes, from: APISetup.clientAddress(0), now: now)
                }
                host.tick(now: now, messages: [])
                for event in host.drainEvents() { if case .message(is Chat, _) = event { hostChats += 1 } }
                route(host.drainOutgoing(), to: &clients, now: now)
            }
            for event in host.drainEvents() { if case .message(is Chat, _) = event { hostChats += 1 } }
            #expect(clients[0].phase == .closed)
            #expect(hostChats == 20)
        }

        /// A player whose host crashed, sending meanwhile, takes over: what waited for the old
        /// host goes to its own player now, in order, as what the old host never
        /// acknowledged does (it was dropped: the slot's peer had gone).
        @Test("a player who takes over hands its own player what waited for the old host")
        func aTakeoverKeepsWhatWaited() throws {
            let net = SimulatedNetwork(seed: 17, impairment: LinkImpairment(latency: .milliseconds(10)))
            let keeper = ClientKeeper()
            var options = NetOptions()
            options.hostMigration = true
            options.channels.maxQueuedBytesPerChannel = 512
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: options)
            var logs: [EventLog] = []
            var clients: [NetClient] = []
            for index in 0..<2 {
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages, options: options)
                keeper.keep(client)
                #expect(net.run(until: { client.isConnected }, limit: .seconds(2)))
                clients.append(client)
                logs.append(EventLog(client.poll))
            }
            net.run(for: .milliseconds(200))
            withExtendedLifetime(host) { net.crash(APISetup.hostAddress) }
            let count = 30
            let texts = (0..<count).map { "s\($0) " + String(repeating: "z", count: 50) }
            for text in texts { try clients[0].send(Chat(text: text), on: .reliableOrdered) }
            net.run(for: .milliseconds(20))
            #expect(clients[0].session.withCore { $0.backlog.count } > 0, "some should wait behind the channel")
            let me = try #require(clients[0].localPeer)
            #expect(net.run(until: { logs[0].update().contains(.hostChanged(to: me)) }, limit: .seconds(10)))
            net.run(for: .milliseconds(200))
            let looped = logs[0].update().compactMap { event -> String? in
                if case .chat(let text, .host) = event { text } else { nil }
            }
            #expect(looped == texts)
        }
    }
}
