import BenchmarkKit
import Netplay

/// Figure 1 for Netplay: a reliable-ordered message echoed by the host, each side reading
/// its `events` sequence (the async front door: no busy polling on a 2-core machine), on
/// Swift's shared pool or, for the network-executor front, on each side's network thread.
extension NetplayContender {
    public func roundTrips(count: Int, warmUp: Int) throws -> [Double]? {
        guard readsEvents else { return try polledRoundTrips(count: count, warmUp: warmUp) }
        return try blocking {
            let host = try await Self.startHost()
            let echo = startTask(preferring: host.executor) {
                for await event in host.events {
                    guard case .message(let message as SmallMessage, let peer) = event else { continue }
                    try? host.send(message, on: .reliableOrdered, to: .peer(peer))
                }
            }
            let client = try await Self.connect(toPort: host.port)
            let samples = try await run(preferring: client.executor) {
                var replies = client.events.makeAsyncIterator()
                var samples: [Double] = []
                samples.reserveCapacity(count)
                for index in 0..<(warmUp + count) {
                    let start = Stopwatch.nanoseconds()
                    try client.send(SmallMessage(), on: .reliableOrdered)
                    while true {
                        guard let event = await replies.next() else {
                            throw BenchmarkError.library("Netplay client closed")
                        }
                        if case .message = event { break }
                    }
                    if index >= warmUp { samples.append(Double(Stopwatch.nanoseconds() - start) / 1_000) }
                }
                return samples
            }
            await client.close()
            await host.close()
            echo.cancel()
            return samples
        }
    }
}
