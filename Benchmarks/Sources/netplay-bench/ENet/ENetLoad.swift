import BenchmarkKit
import CENet

/// Figure 5's ENet host: one `ENetHost` with a slot per client, drained each frame with
/// `enet_host_service(…, 0)`, snapshots unreliable on channel 1, one flush per frame.
final class ENetLoadHost: LoadHost {
    private let endpoint: ENetEndpoint
    private var peers: [UnsafeMutablePointer<ENetPeer>] = []
    private(set) var inputsReceived = 0
    private let snapshot = [UInt8](repeating: 0, count: Workload.snapshotBytes)
    /// Bound on events handled per frame (a frame normally has ~one per client).
    static let maxEventsPerFrame = 100_000

    var port: UInt16 { endpoint.port }
    var connectedClients: Int { peers.count }

    init(maxClients: Int) throws {
        endpoint = try ENetEndpoint(peers: maxClients)
    }

    func frame(sendSnapshot: Bool) throws {
        for _ in 0..<Self.maxEventsPerFrame {
            guard let event = try endpoint.service(milliseconds: 0) else { break }
            defer { ENetEndpoint.release(event) }
            guard let peer = event.peer else { continue }
            if event.type == ENET_EVENT_TYPE_CONNECT { peers.append(peer) }
            if event.type == ENET_EVENT_TYPE_DISCONNECT { peers.removeAll { $0 == peer } }
            if event.type == ENET_EVENT_TYPE_RECEIVE { inputsReceived += 1 }
        }
        guard sendSnapshot else { return }
        for peer in peers { try snapshot.withUnsafeBytes { try endpoint.send($0, to: peer, reliable: false) } }
        endpoint.flush()
    }

    func close() {}
}

/// ENet clients: one host (socket) each, all serviced from the caller's thread.
final class ENetLoadClients: LoadClients {
    private let clients: [ENetEndpoint]
    private var peers: [UnsafeMutablePointer<ENetPeer>] = []
    private let hostPort: UInt16
    private(set) var snapshotsReceived = 0
    private let input = [UInt8](repeating: 1, count: Workload.messageBytes)

    init(count: Int, port: UInt16) throws {
        clients = try (0..<count).map { _ in try ENetEndpoint(peers: 1) }
        hostPort = port
    }

    func connectAll(deadline: UInt64) throws {
        peers = try clients.map { try $0.connect(toPort: hostPort) }
        var connected = Set<Int>()
        while connected.count < clients.count {
            guard Stopwatch.nanoseconds() < deadline else { throw BenchmarkError.timedOut("ENet clients connecting") }
            for (index, client) in clients.enumerated() where !connected.contains(index) {
                while let event = try client.service(milliseconds: 0) {
                    ENetEndpoint.release(event)
                    if event.type == ENET_EVENT_TYPE_CONNECT { connected.insert(index) }
                }
            }
            usleep(1_000)
        }
    }

    func frame(sendInput: Bool) throws {
        let spread = InputSpread(count: clients.count)
        for (index, client) in clients.enumerated() {
            if sendInput { spread.waitForTurn(of: index) }
            for _ in 0..<ENetLoadHost.maxEventsPerFrame {
                guard let event = try client.service(milliseconds: 0) else { break }
                if event.type == ENET_EVENT_TYPE_RECEIVE { snapshotsReceived += 1 }
                ENetEndpoint.release(event)
            }
            if sendInput {
                try input.withUnsafeBytes { try client.send($0, to: peers[index], reliable: false) }
                client.flush()
            }
        }
    }

    func close() {
        for peer in peers { enet_peer_disconnect_now(peer, 0) }
    }
}

extension ENetContender {
    func makeLoadHost(maxClients: Int) throws -> (any LoadHost)? { try ENetLoadHost(maxClients: maxClients) }
    func makeLoadClients(count: Int, port: UInt16) throws -> any LoadClients {
        try ENetLoadClients(count: count, port: port)
    }
}
