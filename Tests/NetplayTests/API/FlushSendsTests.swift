import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayProtocol
@testable import NetplayTesting
@testable import NetplayWire

extension APITests {
    /// The flush a batch of sends asks for (`NetCore.flushSends`): the messages leave at once,
    /// and only the peers they went to (or something arrived from) make payloads; every other
    /// timer waits for its deadline, which the driver's timer keeps.
    @Suite struct FlushSends {
        let registry = MessageRegistry(APISetup.messages)

        /// A host core and `count` protocol-level clients, connected. The clients have no
        /// channel layer: they never acknowledge, so what the host sends them stays in flight.
        func connectedHost(
            clients count: Int, options: NetOptions = NetOptions()
        ) throws -> (NetCore, [ClientEndpoint], NetInstant) {
            let config = options.protocolConfig(game: APISetup.game, joinCode: nil, registry: registry)
            var core = NetCore(
                host: HostEndpoint(config: config, random: .seeded(1)), registry: registry, options: options)
            var clients = (0..<count).map {
                ClientEndpoint(config: config, host: APISetup.hostAddress, now: .zero, random: .seeded(UInt64(2 + $0)))
            }
            var now = NetInstant.zero
            for _ in 0..<100 where core.connectedPeers.count < count {
                now = now + .milliseconds(10)
                for index in clients.indices {
                    clients[index].update(now: now)
                    for datagram in clients[index].drainOutgoing() {
                        core.receive(datagram.bytes, from: APISetup.clientAddress(index), now: now)
                    }
                }
                core.tick(now: now, messages: [])
                deliver(core.drainOutgoing(), to: &clients, now: now)
            }
            try #require(core.connectedPeers.count == count)
            _ = core.drainEvents()
            return (core, clients, now)
        }

        func deliver(_ datagrams: [Datagram], to clients: inout [ClientEndpoint], now: NetInstant) {
            for datagram in datagrams {
                guard let index = (0..<clients.count).first(where: { APISetup.clientAddress($0) == datagram.address })
                else { continue }
                clients[index].receive(datagram.bytes, from: APISetup.hostAddress, now: now)
            }
        }

        func chat(to peer: NetPeer) throws -> OutboundMessage {
            let bytes = MessageBytes(try registry.encode(Chat(text: "hi")))
            return OutboundMessage(bytes: bytes, channel: ChannelID(0), recipients: .peer(peer))
        }

        @Test("a flush sends to the peers its messages went to; another peer's overdue resend waits for the tick")
        func aFlushLeavesOtherPeersTimersToTheirDeadlines() throws {
            var (core, _, now) = try connectedHost(clients: 2)
            let first = core.connectedPeers[0]
            let second = core.connectedPeers[1]
            // A reliable message to the second client, never acknowledged: its resend falls due.
            core.tick(now: now, messages: [try chat(to: second)])
            let toSecond = core.drainOutgoing().map(\.address)
            try #require(toSecond.count == 1)
            let secondResend = core.channelDeadline(of: second)
            now = try #require(secondResend) + .milliseconds(1)

            let message = try chat(to: first)
            let deadline = core.flushSends(now: now, messages: [message])
            #expect(core.backlog.isEmpty)
            // One packet, to the first client only: the second's resend is the timer's work.
            let toFirst = core.drainOutgoing().map(\.address)
            #expect(toFirst.count == 1 && toFirst != toSecond)
            // The deadline: the first client's next resend, or the protocol's own timers (its
            // keepalives, overdue here: the clock jumped), whichever is sooner. Not the
            // overdue resend it left, which the driver's timer already holds.
            let firstResend = core.channelDeadline(of: first)
            let protocolTimers = core.host?.nextDeadline()
            #expect(deadline == [firstResend, protocolTimers].compactMap { $0 }.min())
            #expect(try #require(firstResend) > now)

            // The timer's tick resends to the second client.
            core.tick(now: now, messages: [])
            #expect(core.drainOutgoing().map(\.address).contains(toSecond[0]))
        }

        @Test("a flush sends a batch to its peer in one packet, and then owes that peer nothing")
        func aFlushSendsTheBatchAndUnlistsThePeer() throws {
            var (core, _, now) = try connectedHost(clients: 2)
            let second = core.connectedPeers[1]
            now = now + .milliseconds(1)
            let messages = try (0..<3).map { _ in try chat(to: second) }
            _ = core.flushSends(now: now, messages: messages)
            #expect(core.backlog.isEmpty)
            // Three messages, one packet, to one client.
            #expect(core.drainOutgoing().count == 1)
            // A second flush with nothing new sends nothing: the peer was flushed and unlisted.
            _ = core.flushSends(now: now, messages: [])
            #expect(core.drainOutgoing().isEmpty)
            #expect(core.peersOwingFlush.isEmpty)
        }

        @Test("a tick holding acknowledgements lists the peers it served, so the next flush answers them")
        func aHoldingTickListsThePeersItServed() throws {
            var (core, _, now) = try connectedHost(clients: 2)
            let second = core.connectedPeers[1]
            core.tick(now: now, messages: [try chat(to: second)])
            _ = core.drainOutgoing()
            #expect(core.peersOwingFlush.isEmpty)
            // Due on its own timer (a resend), not for anything read: a game-thread tick while
            // the game is about to answer holds its acknowledgements, and must list it.
            let secondResend = core.channelDeadline(of: second)
            now = try #require(secondResend) + .milliseconds(1)
            core.tick(now: now, messages: [], holdingAcknowledgements: true)
            #expect(core.peersOwingFlush.contains(second))
        }

        @Test("a player leaving between ticks brings the timer to now, to share the new succession plan")
        func aLeaveBringsThePlansShareForward() throws {
            var options = NetOptions()
            options.hostMigration = true
            var (core, clients, now) = try connectedHost(clients: 2, options: options)
            #expect(!core.migration.planChanged)
            now = now + .milliseconds(1)
            clients[1].disconnect()
            for datagram in clients[1].drainOutgoing() {
                core.receive(datagram.bytes, from: APISetup.clientAddress(1), now: now)
            }
            #expect(core.connectedPeers.count == 1)
            #expect(core.migration.planChanged)
            // Nobody left to flush is listed; the plan alone asks for the tick.
            #expect(core.flushReceived(now: now) == now)
            core.tick(now: now, messages: [])
            #expect(!core.migration.planChanged)
        }

        @Test("through a session: a batch leaves at the next step, and a kick queued behind a message follows it")
        func aSessionsBatchLeavesAtOnceAndAKickFollowsIt() throws {
            let net = SimulatedNetwork(seed: 21, ticking: .atDeadlines)
            let (host, _, _, clientLog, peer) = try net.connectedPair(connectingWithin: .seconds(5))
            let before = host.session.statistics
            try host.send(Chat(text: "one"), to: .peer(peer))
            try host.send(Chat(text: "two"), to: .peer(peer))
            // Within a millisecond of virtual time: the flush ran at the next step, no tick waited for.
            net.run(for: .milliseconds(1))
            #expect(clientLog.update().suffix(2) == [.chat("one", from: .host), .chat("two", from: .host)])
            // One pass took both, and they left in one batch.
            let after = host.session.statistics
            #expect(after.flushes - before.flushes == 1)
            #expect(after.transportBatches - before.transportBatches == 1)

            // A kick queued behind a message: the whole tick the flush falls back to keeps the order.
            try APITests.expectLastWordsBeforeTheKick(from: host, to: peer, readBy: clientLog, on: net)
        }
    }
}
