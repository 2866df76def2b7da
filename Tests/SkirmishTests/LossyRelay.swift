import Foundation
import Netplay
import Synchronization

@testable import SkirmishCore

/// A UDP relay on 127.0.0.1 that loses and delays datagrams, between one client and a host:
/// Netplay's public API gives no handle on the host's socket conditioner, so the test puts a
/// bad link in the middle instead. One socket, one thread, every wait bounded.
final class LossyRelay: Sendable {
    struct Link: Sendable {
        var loss: Double
        var latency: Duration
        var jitter: Duration
    }

    /// The port clients connect to.
    let port: UInt16
    private let socketFD: Int32
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let counters = Mutex<(forwarded: Int, dropped: Int)>((0, 0))

    /// Longest wait in `poll`: keeps delivery times within a couple of milliseconds.
    static let pollMilliseconds: Int32 = 2
    static let maxDatagramBytes = 2048

    init(toHostPort hostPort: UInt16, link: Link, seed: UInt64) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw RelayError.socket }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw RelayError.socket
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        socketFD = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.run(fd: fd, hostPort: hostPort, link: link, seed: seed) }
        thread.start()
    }

    var figures: (forwarded: Int, dropped: Int) { counters.withLock { $0 } }

    func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        for _ in 0..<500 where !finished.load(ordering: .sequentiallyConsistent) { usleep(2_000) }
        close(socketFD)
    }

    private func run(fd: Int32, hostPort: UInt16, link: Link, seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var client: sockaddr_in?
        var queue: [(at: ContinuousClock.Instant, toHost: Bool, bytes: [UInt8])] = []
        var buffer = [UInt8](repeating: 0, count: Self.maxDatagramBytes)
        while !stopped.load(ordering: .sequentiallyConsistent) {
            var pollFD = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pollFD, 1, Self.pollMilliseconds) > 0 {
                var source = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = buffer.withUnsafeMutableBytes { bytes in
                    withUnsafeMutablePointer(to: &source) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length)
                        }
                    }
                }
                if count > 0 {
                    let fromHost = UInt16(bigEndian: source.sin_port) == hostPort
                    if !fromHost { client = source }
                    if Double.random(in: 0..<1, using: &random) < link.loss {
                        counters.withLock { $0.dropped += 1 }
                    } else {
                        let spread = link.jitter.secondsDouble * Double.random(in: -1...1, using: &random)
                        queue.append((.now + link.latency + .seconds(spread), !fromHost, Array(buffer[0..<count])))
                    }
                }
            }
            let now = ContinuousClock.now
            let due = queue.filter { $0.at <= now }
            queue.removeAll { $0.at <= now }
            for datagram in due.sorted(by: { $0.at < $1.at }) {
                guard var target = datagram.toHost ? Self.loopback(port: hostPort) : client else { continue }
                _ = datagram.bytes.withUnsafeBytes { bytes in
                    withUnsafePointer(to: &target) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
                counters.withLock { $0.forwarded += 1 }
            }
        }
        finished.store(true, ordering: .sequentiallyConsistent)
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    enum RelayError: Error {
        case socket
    }
}
