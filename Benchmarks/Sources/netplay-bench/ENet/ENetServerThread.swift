import BenchmarkKit
import CENet

/// An ENet host serviced on its own thread: the far end of figures 1–4. Each received
/// packet is handed to `onReceive` (which may answer on the endpoint) before it is freed.
final class ENetServerThread {
    let endpoint: ENetEndpoint
    private let thread: BackgroundThread

    /// Servicing waits at most this long, so the stop flag is seen within it.
    static let serviceSliceMilliseconds: UInt32 = 5

    init(peers: Int, onReceive: @escaping @Sendable (ENetEndpoint, ENetEvent) throws -> Void) throws {
        let endpoint = try ENetEndpoint(peers: peers)
        self.endpoint = endpoint
        thread = BackgroundThread { thread in
            while !thread.shouldStop {
                guard let event = try endpoint.service(milliseconds: Self.serviceSliceMilliseconds) else { continue }
                defer { ENetEndpoint.release(event) }
                if event.type == ENET_EVENT_TYPE_RECEIVE { try onReceive(endpoint, event) }
            }
        }
    }

    var port: UInt16 { endpoint.port }

    func stop() throws { try thread.stopAndJoin() }
}
