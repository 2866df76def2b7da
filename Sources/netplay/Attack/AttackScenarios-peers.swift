import Foundation
import Netplay
import NetplayBase
import NetplayChannels
import NetplayProtocol
import NetplayWire

/// Attacks from peers that completed the handshake: memory held in reassemblies, and a peer
/// that never acknowledges.
extension AttackScenarios {
    // MARK: Reassembly memory

    /// `connections` peers each send the first fragment of `messages` maximum-size reliable
    /// messages and nothing more; the host's RSS growth is compared with its receive budget.
    func reassembly(connections: Int, messages: Int) async throws -> [String: Any] {
        let host = try await HostUnderTest(
            code: AttackWire.code, extraArguments: ["--max-peers-per-address", String(connections)])
        defer { host.stop() }
        let port = host.port
        var peers: [(client: ClientEndpoint, socket: RawUDPSocket)] = []
        for _ in 0..<connections {
            let socket = try RawUDPSocket(bindingTo: attacker, sendingTo: port)
            var client = AttackWire.client(port: port)
            guard await AttackWire.connect(&client, over: socket, port: port, limit: .seconds(8)) else {
                throw AttackError.host("refused attacker connection \(peers.count + 1): \(client.state)")
            }
            peers.append((client, socket))
        }
        // Settle, then take the baseline with every connection open and idle.
        for _ in 0..<Self.settleRounds {
            for index in peers.indices { AttackWire.pump(&peers[index].client, over: peers[index].socket, port: port) }
            try await Task.sleep(for: .milliseconds(50))
        }
        let before = host.residentBytes
        let config = ChannelConfig()
        let geometry = ChannelGeometry(config)
        let count = geometry.maxFragments(for: .reliableOrdered)
        let data = [UInt8](repeating: 0x5A, count: geometry.fragmentBytes)
        for message in 0..<messages {
            for index in peers.indices {
                var writer = PayloadWriter(
                    header: PayloadHeader(sequence: UInt16(truncatingIfNeeded: message), ack: 0xFFFF, ackBits: 0),
                    capacity: geometry.payloadBytes)
                _ = writer.append(
                    channel: 0, messageID: UInt16(truncatingIfNeeded: message),
                    fragment: ChannelEntry.Fragment(index: 0, count: count), bytes: data[...])
                _ = try? peers[index].client.send(payload: writer.bytes)
                AttackWire.pump(&peers[index].client, over: peers[index].socket, port: port)
            }
            // Paced so the loopback socket buffer never overflows: every fragment must land.
            if message % Self.fragmentsPerPause == 0 { try await Task.sleep(for: .milliseconds(1)) }
        }
        for _ in 0..<Self.settleRounds {
            for index in peers.indices { AttackWire.pump(&peers[index].client, over: peers[index].socket, port: port) }
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = host.residentBytes
        let budget = config.maxReceiveBufferBytes
        let perMessage = FragmentAssembly.startBytes(count: count) + FragmentAssembly.pieceBytes(geometry.fragmentBytes)
        let held = min(messages, min(ReliableReceiveChannel.window, budget / perMessage))
        let charged = held * perMessage + ReliableReceiveChannel.ringBytes(holding: held)
        let growth = after - before
        let ceiling = connections * budget + connections * budget / 10
        let result: [String: Any] = [
            "scenario": "reassembly", "connections": connections, "messagesPerConnection": messages,
            "receiveBudgetBytes": budget, "chargedPerConnectionBytes": charged,
            "rssBeforeBytes": before, "rssAfterBytes": after, "rssGrowthBytes": growth,
            "rssGrowthPerConnectionBytes": growth / max(connections, 1), "ceilingBytes": ceiling,
            "growthOverCharged": Double(growth) / Double(max(charged * connections, 1)),
            "passed": growth <= ceiling && peers.allSatisfy { $0.client.isConnected },
        ]
        output.emit(
            result,
            "reassembly: host RSS \(before >> 20) → \(after >> 20) MiB, +\((growth / max(connections, 1)) >> 10) KiB per "
                + "connection (charged \(charged >> 10) KiB, budget \(budget >> 20) MiB); ceiling "
                + "\(connections) × budget + 10 % = \(ceiling >> 20) MiB")
        return result
    }

    // MARK: A peer that never acknowledges

    /// A peer sends `messages` reliable 1 KB pings, so the host owes it as many echoes, then
    /// only keepalives: the host must drop it as unresponsive.
    func silentPeer(messages: Int, limit: Duration) async throws -> [String: Any] {
        let host = try await HostUnderTest(code: AttackWire.code)
        defer { host.stop() }
        let port = host.port
        let socket = try RawUDPSocket(bindingTo: attacker, sendingTo: port)
        var client = AttackWire.client(port: port)
        guard await AttackWire.connect(&client, over: socket, port: port, limit: .seconds(8)) else {
            throw AttackError.host("refused the silent peer")
        }
        let registry = MessageRegistry(ToolProtocol.messages)
        var channels = ChannelEndpoint(now: MonotonicClock.shared.now)
        let payload = [UInt8](repeating: 7, count: Self.silentMessageBytes)
        for sequence in 0..<messages {
            let ping = ToolProtocol.Ping(sequence: UInt32(sequence), reliable: true, payload: payload)
            if let bytes = try? registry.encode(ping) {
                try? channels.enqueue(bytes, on: ChannelID(0), now: MonotonicClock.shared.now)
            }
        }
        // Send the pings (the channel layer paces them), reading nothing the host sends back:
        // the host's echoes are never acknowledged. Then keepalives only.
        let started = ContinuousClock.now
        var lastData = started
        var reason: DisconnectReason?
        while ContinuousClock.now - started < limit, reason == nil {
            let now = MonotonicClock.shared.now
            for bytes in channels.makePayloads(now: now) {
                _ = try? client.send(payload: bytes)
                lastData = ContinuousClock.now
            }
            // Our own pings are acknowledged by the host; let the channel see nothing, so it
            // keeps resending them too: the host still receives, it only never hears back.
            AttackWire.pump(&client, over: socket, port: port)
            for case .disconnected(let why) in client.drainEvents() { reason = why }
            try await Task.sleep(for: .milliseconds(20))
        }
        _ = lastData
        let elapsed = (ContinuousClock.now - started).secondsDouble
        let dropped = reason != nil
        let result: [String: Any] = [
            "scenario": "silent-peer", "messages": messages, "droppedAfterSeconds": dropped ? elapsed : NSNull(),
            "reasonSeenByPeer": reason?.description ?? NSNull(), "hostReasons": host.leaveReasons,
            "passed": dropped && elapsed <= 12,
        ]
        output.emit(
            result,
            dropped
                ? "silent-peer: dropped after \(String(format: "%.1f", elapsed)) s; the peer was told: \(reason!); "
                    + "host says: \(host.leaveReasons.joined(separator: "; "))"
                : "silent-peer: NOT dropped within \(limit)")
        return result
    }

    /// 1 KB pings, as in the issue.
    static let silentMessageBytes = 1_000
    static let settleRounds = 10
    static let fragmentsPerPause = 1
}
