import BenchmarkKit
import CENet

/// Figure 1 for ENet: a reliable packet echoed reliably, each side flushing at once (the
/// idiom for latency-sensitive ENet code; without it the reply waits for the next service).
extension ENetContender {
    func roundTrips(count: Int, warmUp: Int) throws -> [Double]? {
        let server = try ENetServerThread(peers: 1) { endpoint, event in
            guard let packet = event.packet, let peer = event.peer else { return }
            try endpoint.send(
                UnsafeRawBufferPointer(start: packet.pointee.data, count: packet.pointee.dataLength), to: peer,
                reliable: true)
            endpoint.flush()
        }
        defer { try? server.stop() }
        let client = try ENetEndpoint(peers: 1)
        let peer = try client.connect(toPort: server.port)
        try client.waitForConnect(deadline: Workload.waitDeadline())
        defer { enet_peer_disconnect_now(peer, 0) }
        let message = [UInt8](repeating: 0, count: Workload.messageBytes)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for index in 0..<(warmUp + count) {
            let start = Stopwatch.nanoseconds()
            try message.withUnsafeBytes { try client.send($0, to: peer, reliable: true) }
            client.flush()
            try waitForReply(client)
            if index >= warmUp { samples.append(Double(Stopwatch.nanoseconds() - start) / 1_000) }
        }
        return samples
    }

    private func waitForReply(_ client: ENetEndpoint) throws {
        let deadline = Workload.waitDeadline()
        while Stopwatch.nanoseconds() < deadline {
            guard let event = try client.service(milliseconds: 1) else { continue }
            ENetEndpoint.release(event)
            if event.type == ENET_EVENT_TYPE_RECEIVE { return }
        }
        throw BenchmarkError.timedOut("ENet echo")
    }
}
