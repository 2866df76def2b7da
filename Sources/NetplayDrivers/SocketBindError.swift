import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the one fact a player can act on out of a failed bind: whether the port is taken.
package enum SocketBindError {
    /// Whether `error` (thrown by ``UDPDriver/bind(host:port:configuration:eventLoop:clock:onReadComplete:onBound:onDatagram:)``)
    /// says another socket already holds the address and port (`EADDRINUSE`).
    package static func isPortInUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }
}
