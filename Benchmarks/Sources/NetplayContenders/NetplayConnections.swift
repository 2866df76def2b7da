import BenchmarkKit
import Netplay

/// Figure 4 for Netplay: `NetClient.connect` (socket, encrypted handshake), one reliable
/// message, counted when the host's `events` deliver it; then the client closes.
extension NetplayContender {
    public func connectionsPerSecond(count: Int) throws -> Double? {
        guard front == .events else { return nil }  // the variants are measured where they differ
        return try blocking {
            var options = NetOptions()
            // Closing clients leave before the next connects; room for stragglers.
            options.maxPeers = count
            // Every benchmark client comes from 127.0.0.1: lift the per-address caps a public host keeps.
            options.maxPeersPerAddress = count
            options.maxPendingPerAddress = count
            options.handshakesPerSecondPerAddress = 1_000_000
            let host = try await Self.startHost(options: options)
            let counters = DeliveryCounters()
            // Each arrival wakes the timing loop, which sleeps meanwhile: spinning on
            // `Task.yield()` took a core from the network threads on a 2-core machine, where
            // ENet's loop sleeps in `enet_host_service`.
            let (arrivals, arrived) = AsyncStream.makeStream(of: Void.self)
            let sink = Task {
                for await event in host.events {
                    if case .message = event {
                        counters.recordArrival()
                        arrived.yield()
                    }
                }
                arrived.finish()
            }
            var waiting = arrivals.makeAsyncIterator()
            // Only connect → first message is timed; the graceful close (which waits for
            // acknowledgements) is not part of "a player joining".
            var joining = 0.0
            for _ in 0..<count {
                let start = Stopwatch.nanoseconds()
                let client = try await Self.connect(toPort: host.port)
                try client.send(SmallMessage(), on: .reliableOrdered)
                // `blocking`'s run timeout bounds the wait.
                guard await waiting.next() != nil else { throw BenchmarkError.timedOut("Netplay first message") }
                joining += Stopwatch.seconds(since: start)
                await client.close()
            }
            await host.close()
            sink.cancel()
            return Double(count) / joining
        }
    }
}
