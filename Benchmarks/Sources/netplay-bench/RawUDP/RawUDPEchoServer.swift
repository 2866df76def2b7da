import BenchmarkKit

#if canImport(Glibc)
import Glibc
#endif

/// A thread that sends every datagram straight back: the host side of the raw UDP round
/// trip and connection figures.
final class RawUDPEchoServer {
    let port: UInt16
    private let thread: BackgroundThread

    init() throws {
        let socket = try UDPSocket()
        port = socket.port
        nonisolated(unsafe) let echoSocket = socket
        thread = BackgroundThread { thread in
            // Big enough for any datagram the figures send.
            var buffer = [UInt8](repeating: 0, count: 2048)
            var peer = sockaddr_in()
            while !thread.shouldStop {
                guard
                    let received = try buffer.withUnsafeMutableBytes({ try echoSocket.receive(into: $0, from: &peer) })
                else { continue }
                try buffer.withUnsafeBytes {
                    try echoSocket.send(UnsafeRawBufferPointer(rebasing: $0[..<received]), to: &peer)
                }
            }
        }
    }

    func stop() throws { try thread.stopAndJoin() }
}
