import BenchmarkKit

#if canImport(Glibc)
import Glibc
#endif

/// A bare blocking UDP socket on 127.0.0.1: the floor every library is compared against.
/// No reliability, no ordering, no encryption; one `sendto`/`recvfrom` per message.
final class UDPSocket {
    let descriptor: Int32
    /// The bound port.
    let port: UInt16

    /// ENet's socket buffer size (`ENET_HOST_RECEIVE_BUFFER_SIZE`), so the floor does not win
    /// throughput merely by having a deeper buffer than the reference.
    static let bufferBytes: Int32 = 256 * 1024
    /// How long a blocking receive waits before giving its caller a chance to check stop flags.
    static let receiveSliceMicroseconds = 100_000

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchmarkError.socket("socket", errno: errno) }
        var size = Self.bufferBytes
        setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 0, tv_usec: Self.receiveSliceMicroseconds)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw BenchmarkError.socket("bind", errno: errno)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Makes receives return at once when nothing is waiting (for frame-driven loops).
    func setNonBlocking() {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// Sends `bytes` to 127.0.0.1:`port`.
    func send(_ bytes: UnsafeRawBufferPointer, toPort port: UInt16) throws {
        var address = Self.loopback(port: port)
        try send(bytes, to: &address)
    }

    func send(_ bytes: UnsafeRawBufferPointer, to address: inout sockaddr_in) throws {
        let sent = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // A full socket buffer on a non-blocking socket is a drop, as on a real network.
        guard sent >= 0 || errno == EAGAIN || errno == ENOBUFS else {
            throw BenchmarkError.socket("sendto", errno: errno)
        }
    }

    /// Receives one datagram into `buffer`; nil after the receive slice (or at once when
    /// non-blocking) if none came. `from` gets the sender's address.
    func receive(into buffer: UnsafeMutableRawBufferPointer, from: inout sockaddr_in) throws -> Int? {
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let count = withUnsafeMutablePointer(to: &from) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, buffer.baseAddress, buffer.count, 0, $0, &length)
            }
        }
        if count >= 0 { return count }
        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return nil }
        throw BenchmarkError.socket("recvfrom", errno: errno)
    }
}
