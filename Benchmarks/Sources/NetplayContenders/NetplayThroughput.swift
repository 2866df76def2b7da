import BenchmarkKit
import Netplay

/// Figures 2 and 3 for Netplay: a client sends as fast as `send` accepts, the host counts
/// what its `events` sequence delivers.
extension NetplayContender {
    public func throughput(_ delivery: Delivery, messages: Int) throws -> Double? {
        let channel: NetChannel = delivery == .reliableOrdered ? .reliableOrdered : .unreliable
        guard readsEvents else { return try polledThroughput(on: channel, messages: messages) }
        let counters = DeliveryCounters(everyMessageArrives: delivery == .reliableOrdered)
        let options = Self.defaultOptions
        let start = try transfer(counters: counters, expected: messages, countBytes: false, options: options) {
            client in
            let message = SmallMessage()
            for _ in 0..<messages {
                try await Self.sendWhenAccepted { () throws(NetSendError) in try client.send(message, on: channel) }
            }
        }
        if delivery == .reliableOrdered, counters.received < messages {
            throw BenchmarkError.library("reliable delivery incomplete: \(counters.received) of \(messages) arrived")
        }
        return counters.rate(since: start)
    }

    public func bulkTransfer(totalBytes: Int, messageBytes: Int) throws -> Double? {
        guard front == .events else { return nil }  // the variants are measured where they differ
        var options = Self.defaultOptions
        // Room for one whole 1 MiB message (plus its id and length) in the send buffer and
        // the channel; the defaults (1 MiB) are one message tight.
        options.maxBufferedSendBytes = 2 * messageBytes + Self.bulkHeadroomBytes
        options.maxReliableMessageBytes = messageBytes + Self.bulkHeadroomBytes
        let counters = DeliveryCounters(everyMessageArrives: true)
        let start = try transfer(counters: counters, expected: totalBytes, countBytes: true, options: options) {
            client in
            let message = BulkMessage(count: messageBytes)
            for _ in 0..<(totalBytes / messageBytes) {
                try await Self.sendWhenAccepted { () throws(NetSendError) in
                    try client.send(message, on: .reliableOrdered)
                }
            }
        }
        guard counters.received >= totalBytes else {
            throw BenchmarkError.library(
                "bulk transfer incomplete: \(counters.received) of \(totalBytes) bytes arrived")
        }
        return counters.rate(since: start)
    }

    /// Message id and length prefix of a bulk message, with margin.
    static let bulkHeadroomBytes = 64

    /// Connects a client to a counting host, runs `send`, waits until the receiver is done,
    /// and returns the start time. Counts messages, or payload bytes.
    private func transfer(
        counters: DeliveryCounters, expected: Int, countBytes: Bool, options: NetOptions,
        send: @escaping @Sendable (NetClient) async throws -> Void
    ) throws -> UInt64 {
        try blocking {
            let host = try await Self.startHost(options: options)
            let sink = startTask(preferring: host.executor) {
                for await event in host.events {
                    // Only the bulk figure reads its messages; the others count arrivals, as
                    // the references' receivers do, without a cast per message.
                    guard case .message(let message, _) = event else { continue }
                    if countBytes, let bulk = message as? BulkMessage {
                        counters.recordArrival(count: bulk.bytes.count)
                    } else {
                        counters.recordArrival()
                    }
                }
            }
            let client = try await Self.connect(toPort: host.port, options: options)
            let start = Stopwatch.nanoseconds()
            try await run(preferring: client.executor) { try await send(client) }
            counters.markSenderFinished()
            let deadline = Stopwatch.nanoseconds() + UInt64(Workload.runTimeoutSeconds * 1e9)
            while !counters.receiverMayStop(expected: expected), Stopwatch.nanoseconds() < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            await client.close()
            await host.close()
            sink.cancel()
            return start
        }
    }
}
