import BenchmarkKit
import Dispatch
import Netplay

/// Figure 4 for Netplay: `NetClient.connect` (socket, encrypted handshake), one reliable
/// message, counted when the host's `events` deliver it; then the client closes. For the
/// game-thread front, both ends drive their own sockets: the host polled by a thread of its
/// own, as ENet's server thread services it, and each client by the task that connects it.
extension NetplayContender {
    public func connectionsPerSecond(count: Int) throws -> Double? {
        if front == .gameThread { return try polledConnectionsPerSecond(count: count) }
        guard front == .events else { return nil }  // the variants are measured where they differ
        return try blocking {
            let host = try await Self.startHost(options: Self.connectionHostOptions(count: count))
            // The timing loop reads the host's events itself, as a game reading its host's
            // events would (until the thirty-first stop a task of its own counted arrivals and
            // woke this one: side by side, no difference beyond the machine's noise).
            var events = host.events.makeAsyncIterator()
            // Only connect → first message is timed; the graceful close (which waits for
            // acknowledgements) is not part of "a player joining".
            var joining = 0.0
            for _ in 0..<count {
                let start = Stopwatch.nanoseconds()
                let client = try await Self.connect(toPort: host.port)
                try client.send(SmallMessage(), on: .reliableOrdered)
                // `blocking`'s run timeout bounds the wait (its cancellation ends the sequence).
                while true {
                    guard let event = await events.next() else {
                        throw BenchmarkError.library("the host's events ended before the first message")
                    }
                    if case .message = event { break }
                }
                joining += Stopwatch.seconds(since: start)
                await client.close()
            }
            await host.close()
            return Double(count) / joining
        }
    }

    /// The host's options for `count` connections, all from 127.0.0.1.
    private static func connectionHostOptions(count: Int, servicing: NetServicing = .networkThread) -> NetOptions {
        var options = Self.defaultOptions
        options.servicing = servicing
        // Closing clients leave before the next connects; room for stragglers.
        options.maxPeers = count
        // Every benchmark client comes from 127.0.0.1: lift the per-address caps a public host keeps.
        options.maxPeersPerAddress = count
        options.maxPendingPerAddress = count
        options.handshakesPerSecondPerAddress = 1_000_000
        return options
    }

    /// The game-thread front: the host's thread counts each first message and wakes the
    /// connecting task, which does not poll meanwhile (its message has left at `flush`). The
    /// task blocks a thread of Swift's pool while it waits, which nothing else here needs: the
    /// host has a thread of its own.
    private func polledConnectionsPerSecond(count: Int) throws -> Double {
        let host = try blocking {
            try await Self.startHost(options: Self.connectionHostOptions(count: count, servicing: .gameThread))
        }
        let arrivals = DispatchSemaphore(value: 0)
        let server = BackgroundThread { thread in
            while !thread.shouldStop {
                for event in host.poll(waitingUpTo: Self.serviceSlice) {
                    if case .message = event { arrivals.signal() }
                }
            }
        }
        defer { Self.close(host, after: server) }
        let options = frontOptions
        return try blocking {
            var joining = 0.0
            for _ in 0..<count {
                let start = Stopwatch.nanoseconds()
                let client = try await Self.connect(toPort: host.port, options: options)
                try client.send(SmallMessage(), on: .reliableOrdered)
                client.flush()
                guard arrivals.wait(timeout: .now() + Workload.waitTimeoutSeconds) == .success else {
                    await client.close()
                    throw BenchmarkError.timedOut("Netplay first message")
                }
                joining += Stopwatch.seconds(since: start)
                await client.close()
            }
            return Double(count) / joining
        }
    }
}
