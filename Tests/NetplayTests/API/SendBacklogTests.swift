import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayProtocol
@testable import NetplayTesting
@testable import NetplayWire

extension APITests {
    /// Messages waiting behind full channels (`SendBacklog`): a queue per channel of each
    /// peer, so a full channel holds back its own later messages and nobody else's, and a
    /// retry looks at a full channel's oldest message only, however many wait behind it.
    @Suite struct SendBacklogs {
        static let first = SendBacklog.Slot(peer: NetPeer(PeerID(rawValue: 1)), channel: ChannelID(0))
        static let second = SendBacklog.Slot(peer: NetPeer(PeerID(rawValue: 2)), channel: ChannelID(0))
        static let otherChannel = SendBacklog.Slot(peer: NetPeer(PeerID(rawValue: 1)), channel: ChannelID(1))

        /// A message of `count` bytes whose first byte is `mark`.
        static func message(_ mark: UInt8, count: Int = 3) -> MessageBytes {
            MessageBytes([mark] + [UInt8](repeating: 0, count: count - 1))
        }

        @Test("a retry lends each queue whole and keeps what its mover leaves, in order")
        func aRetryStopsAtTheFirstRefusal() {
            var backlog = SendBacklog()
            for index in 0..<10_000 { backlog.append(Self.message(UInt8(index % 200)), for: Self.first) }
            for index in 0..<3 { backlog.append(Self.message(UInt8(index), count: 5), for: Self.second) }
            #expect(backlog.count == 10_003)
            #expect(backlog.charge == 10_003 * MessageBytes.minimumQueueCharge)

            var offered: [SendBacklog.Slot: [UInt8]] = [:]
            backlog.retry { slot, waiting in
                while let bytes = waiting.first {
                    offered[slot, default: []].append(bytes.array[0])
                    if slot == Self.first { return }
                    waiting.removeFirst()
                }
            }
            #expect(offered[Self.first] == [0])
            #expect(offered[Self.second] == [0, 1, 2])
            #expect(backlog.count == 10_000)
            #expect(backlog.charge == 10_000 * MessageBytes.minimumQueueCharge)
            #expect(!backlog.contains(Self.second))
            #expect(backlog.first?.slot == Self.first)
        }

        @Test("each channel's messages leave in the order they came, whatever the others do")
        func eachSlotIsFirstInFirstOut() {
            var backlog = SendBacklog()
            var random = TestRandom(seed: 5)
            let slots = [Self.first, Self.second, Self.otherChannel]
            var sent: [SendBacklog.Slot: [UInt8]] = [:]
            var moved: [SendBacklog.Slot: [UInt8]] = [:]
            var mark: UInt8 = 0
            for _ in 0..<200 {
                for _ in 0..<Int(random.next() % 6) {
                    let slot = slots[Int(random.next() % 3)]
                    mark &+= 1
                    sent[slot, default: []].append(mark)
                    backlog.append(Self.message(mark), for: slot)
                }
                // Each slot takes a random number of messages at this retry, then refuses.
                var room = Dictionary(uniqueKeysWithValues: slots.map { ($0, Int(random.next() % 4)) })
                backlog.retry { slot, waiting in
                    while let bytes = waiting.first, room[slot, default: 0] > 0 {
                        room[slot, default: 0] -= 1
                        moved[slot, default: []].append(bytes.array[0])
                        waiting.removeFirst()
                    }
                }
            }
            backlog.retry { slot, waiting in
                while let bytes = waiting.first {
                    moved[slot, default: []].append(bytes.array[0])
                    waiting.removeFirst()
                }
            }
            #expect(backlog.isEmpty && backlog.count == 0 && backlog.charge == 0)
            for slot in slots { #expect(moved[slot] == sent[slot]) }
        }

        @Test("a slot whose queue is emptied is closed, and its bytes go with it")
        func aGoneSlotIsDroppedWhole() {
            var backlog = SendBacklog()
            for index in 0..<5 { backlog.append(Self.message(UInt8(index), count: 7), for: Self.first) }
            backlog.append(Self.message(9, count: 4), for: Self.second)
            var lent = 0
            backlog.retry { slot, waiting in
                lent += 1
                if slot == Self.first { waiting.removeAll() }
            }
            #expect(lent == 2)
            #expect(backlog.count == 1 && backlog.charge == MessageBytes.minimumQueueCharge)
            #expect(backlog.first?.slot == Self.second)
        }

        /// Room in each channel of ``twoSilentClients()``' host, in bytes: a few of its chats.
        static let channelRoom = 256

        /// A host core whose two clients never acknowledge, with room in each channel for a
        /// few messages (``channelRoom``), and a chat of 60 characters for it to send.
        static func twoSilentClients() throws -> (
            core: NetCore, now: NetInstant, first: NetPeer, second: NetPeer, chat: MessageBytes
        ) {
            var options = NetOptions()
            options.channels.maxQueuedBytesPerChannel = channelRoom
            let flush = APITests.FlushSends()
            let (core, _, now) = try flush.connectedHost(clients: 2, options: options)
            let chat = MessageBytes(try flush.registry.encode(Chat(text: String(repeating: "x", count: 60))))
            return (core, now, core.connectedPeers[0], core.connectedPeers[1], chat)
        }

        /// ``twoSilentClients()``: the first client's channel fills, the second's does not.
        @Test("a full channel holds back its own peer's messages, not another peer's; a broadcast waits only for it")
        func aFullChannelHoldsBackOnlyItsOwnPeer() throws {
            var (core, now, first, second, chat) = try Self.twoSilentClients()
            let toFirst = (0..<10).map { _ in
                OutboundMessage(bytes: chat, channel: ChannelID(0), recipients: .peer(first))
            }
            now = now + .milliseconds(1)
            core.tick(now: now, messages: toFirst)
            let fits = Self.channelRoom / chat.queueCharge
            #expect(core.backlog.count == 10 - fits)
            #expect(core.backlog.first?.slot == SendBacklog.Slot(peer: first, channel: ChannelID(0)))
            let firstAddress = try #require(Set(core.drainOutgoing().map(\.address)).first)

            // The second client's message leaves at once.
            let toSecond = OutboundMessage(bytes: chat, channel: ChannelID(0), recipients: .peer(second))
            _ = core.flushSends(now: now, messages: [toSecond])
            let secondAddresses = core.drainOutgoing().map(\.address)
            #expect(secondAddresses.count == 1 && secondAddresses.first != firstAddress)
            #expect(core.backlog.count == 10 - fits)

            // A broadcast goes to the second client now and waits, counted once, for the first.
            let everyone = OutboundMessage(bytes: chat, channel: ChannelID(0), recipients: .everyone)
            _ = core.flushSends(now: now, messages: [everyone])
            #expect(core.drainOutgoing().map(\.address) == secondAddresses)
            #expect(core.backlog.count == 11 - fits)
            #expect(core.backlog.charge == (11 - fits) * chat.queueCharge)
            #expect(!core.backlog.contains(SendBacklog.Slot(peer: second, channel: ChannelID(0))))
        }

        /// ``twoSilentClients()``: one tick's messages in runs for the first client, broken by
        /// the second's and by a broadcast. The runs go into the first client's channel
        /// together; what it cannot take waits in the order it was sent, the broadcast in its
        /// place among them, and nothing waits for the second.
        @Test("runs of one peer's messages, broken by another's and a broadcast, keep their order")
        func runsKeepTheirOrder() throws {
            var (core, now, first, second, _) = try Self.twoSilentClients()
            func message(_ mark: UInt8, to recipients: NetRecipients) -> OutboundMessage {
                OutboundMessage(bytes: Self.message(mark, count: 60), channel: ChannelID(0), recipients: recipients)
            }
            let messages =
                (0..<3).map { message($0, to: .peer(first)) } + [message(3, to: .peer(second))]
                + (4..<6).map { message($0, to: .peer(first)) } + [message(6, to: .everyoneExcept(.host))]
                + (7..<10).map { message($0, to: .peer(first)) } + [message(10, to: .peer(second))]
            now = now + .milliseconds(1)
            core.tick(now: now, messages: messages)
            let fits = Self.channelRoom / Self.message(0, count: 60).queueCharge
            let toFirst: [UInt8] = [0, 1, 2, 4, 5, 6, 7, 8, 9]
            var waiting: [SendBacklog.Slot: [UInt8]] = [:]
            var backlog = core.backlog
            backlog.retry { slot, queue in
                while let oldest = queue.first {
                    waiting[slot, default: []].append(oldest.withUnsafeBytes { $0[0] })
                    queue.removeFirst()
                }
            }
            #expect(waiting == [SendBacklog.Slot(peer: first, channel: ChannelID(0)): Array(toFirst[fits...])])
        }

        /// ``twoSilentClients()``: two 90-byte messages fill the first client's channel but for
        /// 76 bytes and three wait; a 3-byte message (charged 64) would fit, but its slot has
        /// messages waiting, so it waits behind them rather than overtake them.
        @Test("a short message for a slot with messages waiting waits behind them, though it would fit")
        func aShortMessageDoesNotOvertakeWaitingOnes() throws {
            var (core, now, first, _, _) = try Self.twoSilentClients()
            let long = (0..<5).map {
                OutboundMessage(
                    bytes: Self.message(UInt8($0), count: 90), channel: ChannelID(0), recipients: .peer(first))
            }
            now = now + .milliseconds(1)
            core.tick(now: now, messages: long)
            let slot = SendBacklog.Slot(peer: first, channel: ChannelID(0))
            try #require(core.backlog.contains(slot) && core.backlog.count == 3)
            let short = OutboundMessage(
                bytes: Self.message(9, count: 3), channel: ChannelID(0), recipients: .peer(first))
            _ = core.flushSends(now: now, messages: [short])
            #expect(core.backlog.count == 4)
            var waiting: [UInt8] = []
            var backlog = core.backlog
            backlog.retry { _, queue in
                while let oldest = queue.first {
                    waiting.append(oldest.withUnsafeBytes { $0[0] })
                    queue.removeFirst()
                }
            }
            #expect(waiting == [2, 3, 4, 9])
        }

        /// ``twoSilentClients()``: messages wait for both clients, then the first is kicked.
        /// The next tick drops its queue whole, bytes and all; the second's stays, every byte
        /// of it, first in line.
        @Test("a host drops what waited for a peer who left, and only that")
        func aLeftPeersQueueIsDropped() throws {
            var (core, now, first, second, chat) = try Self.twoSilentClients()
            let broadcast = (0..<10).map { _ in
                OutboundMessage(bytes: chat, channel: ChannelID(0), recipients: .everyoneExcept(.host))
            }
            now = now + .milliseconds(1)
            core.tick(now: now, messages: broadcast)
            let waiting = 10 - Self.channelRoom / chat.queueCharge
            #expect(waiting > 0 && core.backlog.count == 2 * waiting)
            let secondSlot = SendBacklog.Slot(peer: second, channel: ChannelID(0))
            #expect(core.backlog.contains(SendBacklog.Slot(peer: first, channel: ChannelID(0))))
            #expect(core.backlog.contains(secondSlot))

            now = now + .milliseconds(1)
            core.tick(now: now, messages: [], kicks: [OutboundKick(peer: first, reason: "bye")])
            #expect(!core.connectedPeers.contains(first))
            now = now + .milliseconds(1)
            core.tick(now: now, messages: [])
            #expect(core.backlog.count == waiting && core.backlog.charge == waiting * chat.queueCharge)
            #expect(core.backlog.first?.slot == secondSlot)
        }

        /// Through a session: a host broadcasts numbered messages far faster than its channels
        /// take them, to two clients over a lossy link; each client reads every one, in order.
        /// Ticked every interval, and at deadlines only (read bursts and `backlogMayMove` then
        /// move the backlog), once with the first client's link far slower than the other's.
        @Test(
            "a broadcast through full channels arrives whole and in order at every client",
            arguments: [
                (SimulatedNetwork.Ticking.everyInterval, false), (.atDeadlines, false), (.atDeadlines, true),
            ])
        func aBroadcastThroughABacklogArrivesInOrder(ticking: SimulatedNetwork.Ticking, slowFirst: Bool) throws {
            let net = SimulatedNetwork(
                seed: 8, impairment: LinkImpairment(latency: .milliseconds(5), lossProbability: 0.05),
                ticking: ticking)
            var options = NetOptions()
            options.channels.maxQueuedBytesPerChannel = 2 << 10
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: options)
            let logs = try (0..<2).map { index in
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages, options: options)
                return (client, EventLog(client.poll))
            }
            #expect(net.run(until: { host.peers.count == 2 }, limit: .seconds(5)))
            if slowFirst {
                net.setImpairment(
                    from: APISetup.hostAddress, to: APISetup.clientAddress(0),
                    LinkImpairment(latency: .milliseconds(150), lossProbability: 0.05))
            }
            let count = 300
            for index in 0..<count { try host.send(Chat(text: "\(index) " + String(repeating: "y", count: 40))) }
            net.run(for: .milliseconds(1))
            #expect(host.session.core.withLock { $0.backlog.count } > 0, "the channels should have filled")
            let expected = (0..<count).map { "\($0) " + String(repeating: "y", count: 40) }
            let chats = { (log: EventLog) in
                log.update().compactMap { if case .chat(let text, _) = $0 { text } else { nil } }
            }
            #expect(net.run(until: { logs.allSatisfy { chats($0.1).count == count } }, limit: .seconds(30)))
            for (_, log) in logs { #expect(chats(log) == expected) }
            #expect(host.session.core.withLock { $0.backlog.isEmpty })
            #expect(host.session.buffer.withLock { $0.waitingCharge == 0 })
        }

        /// The waiting bytes count against `maxBufferedSendBytes`: a host ahead of its
        /// clients is refused, and accepted again once what waited has gone.
        @Test(
            "a send refused for waiting bytes is accepted again once they drain",
            arguments: [SimulatedNetwork.Ticking.everyInterval, .atDeadlines])
        func aRefusalForWaitingBytesClears(ticking: SimulatedNetwork.Ticking) throws {
            let net = SimulatedNetwork(
                seed: 3, impairment: LinkImpairment(latency: .milliseconds(20)), ticking: ticking)
            var options = NetOptions()
            options.channels.maxQueuedBytesPerChannel = 1 << 10
            options.maxBufferedSendBytes = 8 << 10
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: options)
            let keeper = ClientKeeper()
            var logs: [EventLog] = []
            for index in 0..<2 {
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                    messages: APISetup.messages, options: options)
                keeper.keep(client)
                logs.append(EventLog(client.poll))
            }
            #expect(net.run(until: { host.peers.count == 2 }, limit: .seconds(5)))
            var accepted = 0
            var refusal: NetSendError?
            for index in 0..<1_000 where refusal == nil {
                do throws(NetSendError) {
                    try host.send(Chat(text: "q\(index) " + String(repeating: "w", count: 60)))
                    accepted += 1
                } catch {
                    refusal = error
                }
                if index % 10 == 9 { net.run(for: .milliseconds(1)) }
            }
            #expect(refusal == .queueFull)
            #expect(host.session.buffer.withLock { $0.waitingCharge } > 0)
            let chats = { (log: EventLog) in log.update().filter { if case .chat = $0 { true } else { false } }.count }
            #expect(net.run(until: { logs.allSatisfy { chats($0) == accepted } }, limit: .seconds(20)))
            #expect(host.session.buffer.withLock { $0.waitingCharge == 0 && $0.charge == 0 })
            #expect(throws: Never.self) { try host.send(Chat(text: "after")) }
        }
    }
}
