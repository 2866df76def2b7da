import BenchmarkKit

#if canImport(Glibc)
import Glibc
#endif

/// Figure 5 for raw UDP: a host that knows its clients by address (the least any game
/// server keeps), one non-blocking socket, one `sendto` per snapshot.
final class RawUDPLoadHost: LoadHost {
    private let socket: UDPSocket
    private var clients: [UInt64: sockaddr_in] = [:]
    private(set) var inputsReceived = 0
    private var buffer = [UInt8](repeating: 0, count: 2048)
    private let snapshot = [UInt8](repeating: 0, count: Workload.snapshotBytes)
    /// Bound on datagrams drained per frame: 64 clients × 60 Hz is ~64 per frame; the bound
    /// only stops a flood from starving the frame.
    static let maxDatagramsPerFrame = 100_000

    var port: UInt16 { socket.port }
    var connectedClients: Int { clients.count }

    init() throws {
        socket = try UDPSocket()
        socket.setNonBlocking()
    }

    func frame(sendSnapshot: Bool) throws {
        var from = sockaddr_in()
        for _ in 0..<Self.maxDatagramsPerFrame {
            guard let count = try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0, from: &from) }) else {
                break
            }
            let key = UInt64(from.sin_addr.s_addr) << 16 | UInt64(from.sin_port)
            if clients[key] == nil {
                // First datagram: the client's hello; the welcome completes its "connection".
                clients[key] = from
                try buffer.withUnsafeBytes {
                    try socket.send(UnsafeRawBufferPointer(rebasing: $0[..<count]), to: &from)
                }
            } else {
                inputsReceived += 1
            }
        }
        guard sendSnapshot else { return }
        for key in clients.keys {
            guard var address = clients[key] else { continue }
            try snapshot.withUnsafeBytes { try socket.send($0, to: &address) }
        }
    }

    func close() {}
}

/// Raw UDP clients: one socket each, a hello, then inputs.
final class RawUDPLoadClients: LoadClients {
    private let sockets: [UDPSocket]
    private let hostPort: UInt16
    private(set) var snapshotsReceived = 0
    private var buffer = [UInt8](repeating: 0, count: 2048)
    private let input = [UInt8](repeating: 1, count: Workload.messageBytes)

    init(count: Int, port: UInt16) throws {
        sockets = try (0..<count).map { _ in try UDPSocket() }
        hostPort = port
        for socket in sockets { socket.setNonBlocking() }
    }

    func connectAll(deadline: UInt64) throws {
        var welcomed = Set<Int>()
        var from = sockaddr_in()
        for socket in sockets { try input.withUnsafeBytes { try socket.send($0, toPort: hostPort) } }
        while welcomed.count < sockets.count {
            guard Stopwatch.nanoseconds() < deadline else { throw BenchmarkError.timedOut("raw UDP welcomes") }
            for (index, socket) in sockets.enumerated() where !welcomed.contains(index) {
                if try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0, from: &from) }) != nil {
                    welcomed.insert(index)
                }
            }
            usleep(1_000)
        }
    }

    func frame(sendInput: Bool) throws {
        var from = sockaddr_in()
        let spread = InputSpread(count: sockets.count)
        for (index, socket) in sockets.enumerated() {
            if sendInput { spread.waitForTurn(of: index) }
            for _ in 0..<RawUDPLoadHost.maxDatagramsPerFrame {
                guard try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0, from: &from) }) != nil else {
                    break
                }
                snapshotsReceived += 1
            }
            if sendInput { try input.withUnsafeBytes { try socket.send($0, toPort: hostPort) } }
        }
    }

    func close() {}
}

extension RawUDPContender {
    func makeLoadHost(maxClients: Int) throws -> (any LoadHost)? { try RawUDPLoadHost() }
    func makeLoadClients(count: Int, port: UInt16) throws -> any LoadClients {
        try RawUDPLoadClients(count: count, port: port)
    }
}
