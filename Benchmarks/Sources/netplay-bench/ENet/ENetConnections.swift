import BenchmarkKit
import CENet

/// Figure 4 for ENet: a new client host (its own socket, as a new player has) connects,
/// sends one reliable message, and is done when the server has received it.
extension ENetContender {
    /// Server peer slots; disconnected peers free theirs, so a few suffice.
    static let connectionServerPeers = 64

    func connectionsPerSecond(count: Int) throws -> Double? {
        let counters = DeliveryCounters()
        let server = try ENetServerThread(peers: Self.connectionServerPeers) { _, _ in counters.recordArrival() }
        defer { try? server.stop() }
        let message = [UInt8](repeating: 0, count: Workload.messageBytes)
        let start = Stopwatch.nanoseconds()
        for index in 0..<count {
            let client = try ENetEndpoint(peers: 1)
            let peer = try client.connect(toPort: server.port)
            try client.waitForConnect(deadline: Workload.waitDeadline())
            try message.withUnsafeBytes { try client.send($0, to: peer, reliable: true) }
            client.flush()
            let deadline = Workload.waitDeadline()
            while counters.received <= index {
                guard Stopwatch.nanoseconds() < deadline else { throw BenchmarkError.timedOut("ENet first message") }
                if let event = try client.service(milliseconds: 1) { ENetEndpoint.release(event) }
            }
            // Tells the server at once, so its slot frees without a timeout.
            enet_peer_disconnect_now(peer, 0)
        }
        return Double(count) / Stopwatch.seconds(since: start)
    }
}
