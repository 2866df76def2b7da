import BenchmarkKit

#if canImport(Glibc)
import Glibc
#endif

/// Figure 4 for raw UDP. There is no handshake, so this is the floor: open a socket, send
/// the first message, get the host's answer, close.
extension RawUDPContender {
    func connectionsPerSecond(count: Int) throws -> Double? {
        let server = try RawUDPEchoServer()
        defer { try? server.stop() }
        var message = [UInt8](repeating: 0, count: Workload.messageBytes)
        var from = sockaddr_in()
        let start = Stopwatch.nanoseconds()
        for _ in 0..<count {
            let client = try UDPSocket()
            try message.withUnsafeBytes { try client.send($0, toPort: server.port) }
            guard try message.withUnsafeMutableBytes({ try client.receive(into: $0, from: &from) }) != nil else {
                throw BenchmarkError.timedOut("raw UDP first answer")
            }
        }
        return Double(count) / Stopwatch.seconds(since: start)
    }
}
