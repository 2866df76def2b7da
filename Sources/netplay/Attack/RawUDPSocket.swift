#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain non-blocking IPv4 UDP socket for the attack scenarios: an attacker sends raw
/// datagrams as fast as the kernel takes them, with none of the library's pacing.
///
/// Only loopback addresses (127.0.0.0/8) are accepted, so a scenario can never be pointed at
/// another machine.
final class RawUDPSocket {
    let descriptor: Int32
    private var destination = sockaddr_in()

    /// Binds to `address` (a 127.x.y.z address) on a port the system picks, sending to
    /// 127.0.0.1:`port`.
    init(bindingTo address: String, sendingTo port: UInt16) throws(AttackError) {
        guard address.hasPrefix("127.") else { throw .notLoopback(address) }
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { throw .socket("socket") }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_port = 0
        guard inet_pton(AF_INET, address, &local.sin_addr) == 1 else { throw .notLoopback(address) }
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(descriptor)
            throw .socket("bind \(address)")
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        destination.sin_family = sa_family_t(AF_INET)
        destination.sin_port = port.bigEndian
        _ = inet_pton(AF_INET, "127.0.0.1", &destination.sin_addr)
    }

    /// Sends `bytes` to the host; false when the kernel's buffer is full.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(
                        descriptor, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return sent == bytes.count
    }

    /// One waiting datagram, or nil when none is.
    func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Self.receiveBufferBytes)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Array(buffer.prefix(count))
    }

    deinit { close(descriptor) }

    /// Larger than any datagram the host sends.
    static let receiveBufferBytes = 2048
}

/// Why an attack scenario could not run.
enum AttackError: Error, CustomStringConvertible {
    case notLoopback(String)
    case socket(String)
    case host(String)

    var description: String {
        switch self {
        case .notLoopback(let address): "refusing \(address): attack scenarios run on loopback (127.0.0.0/8) only"
        case .socket(let call): "socket call failed: \(call)"
        case .host(let problem): "the host under test: \(problem)"
        }
    }
}
