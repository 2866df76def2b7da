import BenchmarkKit
import Netplay

/// Figure 5's Netplay host: `NetHost` polled once a frame, one `send` per snapshot to every
/// client (`.everyoneExcept(.host)`: the library fans it out), on `.unreliableSequenced`.
final class NetplayLoadHost: LoadHost {
    private let host: NetHost
    private(set) var connectedClients = 0
    private(set) var inputsReceived = 0
    private let snapshot = SnapshotMessage()

    var port: UInt16 { host.port }

    init(maxClients: Int, options: NetOptions) throws {
        var options = options
        options.maxPeers = maxClients
        // Every benchmark client comes from 127.0.0.1: lift the per-address caps a public host keeps.
        options.maxPeersPerAddress = maxClients
        options.maxPendingPerAddress = maxClients
        options.handshakesPerSecondPerAddress = 1_000_000
        // Started as a game loop that is not async code starts it, as ENet's host is: an
        // awaited start here ran Swift's concurrency runtime up first (68–88 KiB of threads
        // and heap), which the memory figure then charged to the connections.
        host = try NetplayContender.startHostSynchronously(options: options)
    }

    func frame(sendSnapshot: Bool) throws {
        for event in host.poll() {
            switch event {
            case .connected(let peer) where !peer.isHost: connectedClients += 1
            case .disconnected(let peer, _) where !peer.isHost: connectedClients -= 1
            case .message: inputsReceived += 1
            default: break
            }
        }
        if sendSnapshot { try host.send(snapshot, on: .unreliableSequenced, to: .everyoneExcept(.host)) }
        // Game-thread servicing: the frame's sends leave now, not at the next frame's poll.
        host.flush()
    }

    func close() {
        let host = host
        _ = try? blocking(seconds: Workload.waitTimeoutSeconds) { await host.close() }
    }
}

/// Netplay clients, each a `NetClient` (its own socket and I/O thread), polled together.
final class NetplayLoadClients: LoadClients {
    private let port: UInt16
    private let count: Int
    private var clients: [NetClient] = []
    private(set) var snapshotsReceived = 0
    private let input = SmallMessage()

    init(count: Int, port: UInt16) {
        self.count = count
        self.port = port
    }

    func connectAll(deadline: UInt64) throws {
        let port = port
        let count = count
        let seconds = Double(deadline &- Stopwatch.nanoseconds()) / 1e9
        // All at once, as players arriving together would; the host admits them as it can.
        clients = try blocking(seconds: seconds) {
            try await withThrowingTaskGroup(of: NetClient.self) { group in
                for _ in 0..<count { group.addTask { try await NetplayContender.connect(toPort: port) } }
                var connected: [NetClient] = []
                for try await client in group { connected.append(client) }
                return connected
            }
        }
    }

    func frame(sendInput: Bool) throws {
        let spread = InputSpread(count: clients.count)
        for (index, client) in clients.enumerated() {
            if sendInput { spread.waitForTurn(of: index) }
            for event in client.poll() {
                if case .message = event { snapshotsReceived += 1 }
            }
            if sendInput { try client.send(input, on: .unreliableSequenced) }
        }
    }

    func close() {
        let clients = clients
        _ = try? blocking(seconds: Workload.waitTimeoutSeconds) {
            await withTaskGroup(of: Void.self) { group in
                for client in clients { group.addTask { await client.close() } }
            }
        }
    }
}

extension NetplayContender {
    public func makeLoadHost(maxClients: Int) throws -> (any LoadHost)? {
        switch front {
        case .events:
            var options = Self.defaultOptions
            if let microseconds = Workload.loadReadCoalescingMicroseconds {
                options.readCoalescingDelay = .microseconds(microseconds)
            }
            return try NetplayLoadHost(maxClients: maxClients, options: options)
        // The events contender's host already polls once a frame, on the game's thread: no
        // task of its own to put on the network executor.
        case .poll, .networkExecutor: return nil
        case .gameThread: return try NetplayLoadHost(maxClients: maxClients, options: frontOptions)
        }
    }
    public func makeLoadClients(count: Int, port: UInt16) throws -> any LoadClients {
        NetplayLoadClients(count: count, port: port)
    }
}
