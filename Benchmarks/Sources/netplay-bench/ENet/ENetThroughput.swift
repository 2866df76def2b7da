import BenchmarkKit
import CENet

/// Figures 2 and 3 for ENet: the sender queues messages in batches and services between
/// batches (as a game loop would), the receiver counts on its own thread.
extension ENetContender {
    /// Messages queued between two services of the sending host.
    static let sendBatch = 1_024

    func throughput(_ delivery: Delivery, messages: Int) throws -> Double? {
        let counters = DeliveryCounters(everyMessageArrives: delivery == .reliableOrdered)
        let message = [UInt8](repeating: 0, count: Workload.messageBytes)
        let start = try transfer(counters: counters, expected: messages, countBytes: false) { client, peer in
            var sent = 0
            while sent < messages {
                for _ in 0..<min(Self.sendBatch, messages - sent) {
                    try message.withUnsafeBytes {
                        try client.send($0, to: peer, reliable: delivery == .reliableOrdered)
                    }
                }
                sent += min(Self.sendBatch, messages - sent)
                while let event = try client.service(milliseconds: 0) { ENetEndpoint.release(event) }
            }
        }
        if delivery == .reliableOrdered, counters.received < messages {
            throw BenchmarkError.library("reliable delivery incomplete: \(counters.received) of \(messages) arrived")
        }
        return counters.rate(since: start)
    }

    func bulkTransfer(totalBytes: Int, messageBytes: Int) throws -> Double? {
        let counters = DeliveryCounters(everyMessageArrives: true)
        let message = [UInt8](repeating: 0, count: messageBytes)
        let start = try transfer(counters: counters, expected: totalBytes, countBytes: true) { client, peer in
            for _ in 0..<(totalBytes / messageBytes) {
                try message.withUnsafeBytes { try client.send($0, to: peer, reliable: true) }
            }
        }
        guard counters.received >= totalBytes else { throw BenchmarkError.timedOut("ENet bulk transfer") }
        return counters.rate(since: start)
    }

    /// Connects a client to a counting server, runs `send`, keeps servicing the client until
    /// the receiver is done, and returns the start time. Counts messages, or bytes.
    private func transfer(
        counters: DeliveryCounters, expected: Int, countBytes: Bool,
        send: (ENetEndpoint, UnsafeMutablePointer<ENetPeer>) throws -> Void
    ) throws -> UInt64 {
        let server = try ENetServerThread(peers: 1) { _, event in
            counters.recordArrival(count: countBytes ? event.packet?.pointee.dataLength ?? 0 : 1)
        }
        defer { try? server.stop() }
        let client = try ENetEndpoint(peers: 1)
        let peer = try client.connect(toPort: server.port)
        try client.waitForConnect(deadline: Workload.waitDeadline())
        defer { enet_peer_disconnect_now(peer, 0) }
        let start = Stopwatch.nanoseconds()
        try send(client, peer)
        counters.markSenderFinished()
        let deadline = Workload.runDeadline()
        while !counters.receiverMayStop(expected: expected), Stopwatch.nanoseconds() < deadline {
            if let event = try client.service(milliseconds: 1) { ENetEndpoint.release(event) }
        }
        return start
    }
}
