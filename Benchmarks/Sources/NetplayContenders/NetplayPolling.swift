import BenchmarkKit
import Netplay

/// Figures 1–3 for Netplay's polling fronts, shaped as ENet's are: each end a plain thread
/// that polls (`poll(waitingUpTo:)`), the sender queuing in batches and flushing between
/// them. With `.gameThread` servicing those calls also drive the socket, as
/// `enet_host_service` does; with `.poll` a network thread does, and the calls only wait.
extension NetplayContender {
    /// Messages queued between two flushes of the sender, as ENet's sender batches.
    static let sendBatch = 1_024

    func polledRoundTrips(count: Int, warmUp: Int) throws -> [Double] {
        let options = frontOptions
        let host = try blocking { try await Self.startHost(options: options) }
        let echo = BackgroundThread { thread in
            while !thread.shouldStop {
                for event in host.poll(waitingUpTo: Self.serviceSlice) {
                    guard case .message(let message as SmallMessage, let peer) = event else { continue }
                    try? host.send(message, on: .reliableOrdered, to: .peer(peer))
                    host.flush()
                }
            }
        }
        defer { Self.close(host, after: echo) }
        let client = try blocking { try await Self.connect(toPort: host.port, options: options) }
        defer { _ = try? blocking { await client.close() } }
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for index in 0..<(warmUp + count) {
            let start = Stopwatch.nanoseconds()
            try client.send(SmallMessage(), on: .reliableOrdered)
            client.flush()
            try Self.waitForMessage(client)
            if index >= warmUp { samples.append(Double(Stopwatch.nanoseconds() - start) / 1_000) }
        }
        return samples
    }

    func polledThroughput(on channel: NetChannel, messages: Int) throws -> Double? {
        let options = frontOptions
        let host = try blocking { try await Self.startHost(options: options) }
        let counters = DeliveryCounters(everyMessageArrives: channel == .reliableOrdered)
        let receiver = BackgroundThread { thread in
            while !thread.shouldStop {
                for event in host.poll(waitingUpTo: Self.serviceSlice) {
                    if case .message = event { counters.recordArrival() }
                }
            }
        }
        defer { Self.close(host, after: receiver) }
        let client = try blocking { try await Self.connect(toPort: host.port, options: options) }
        defer { _ = try? blocking { await client.close() } }
        let message = SmallMessage()
        let start = Stopwatch.nanoseconds()
        let deadline = Workload.waitDeadline()
        var sent = 0
        while sent < messages {
            do throws(NetSendError) {
                try client.send(message, on: channel)
                sent += 1
                if sent % Self.sendBatch == 0 { _ = client.poll() }
            } catch .queueFull {
                // Let acknowledgements in and the queue drain, as ENet's sender services.
                _ = client.poll(waitingUpTo: .microseconds(200))
                guard Stopwatch.nanoseconds() < deadline else {
                    throw BenchmarkError.timedOut("Netplay send buffer stayed full")
                }
            }
        }
        client.flush()
        counters.markSenderFinished()
        let runDeadline = Stopwatch.nanoseconds() + UInt64(Workload.runTimeoutSeconds * 1e9)
        while !counters.receiverMayStop(expected: messages), Stopwatch.nanoseconds() < runDeadline {
            _ = client.poll(waitingUpTo: .milliseconds(1))
        }
        if channel == .reliableOrdered, counters.received < messages {
            throw BenchmarkError.library("reliable delivery incomplete: \(counters.received) of \(messages) arrived")
        }
        return counters.rate(since: start)
    }

    /// A polling end waits at most this long, so it sees its stop flag within it (ENet's
    /// server thread services in slices of 5 ms too).
    static let serviceSlice = Duration.milliseconds(5)

    private static func waitForMessage(_ client: NetClient) throws {
        let deadline = Workload.waitDeadline()
        while Stopwatch.nanoseconds() < deadline {
            for event in client.poll(waitingUpTo: .milliseconds(1)) {
                if case .message = event { return }
            }
        }
        throw BenchmarkError.timedOut("Netplay echo")
    }

    /// Stops the thread polling `host`, then closes it (which, serviced by the game's thread,
    /// drives its own close).
    static func close(_ host: NetHost, after thread: BackgroundThread) {
        try? thread.stopAndJoin()
        _ = try? blocking { await host.close() }
    }
}
