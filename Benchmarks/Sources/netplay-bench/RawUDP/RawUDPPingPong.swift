import BenchmarkKit

#if canImport(Glibc)
import Glibc
#endif

/// Figure 1 for raw UDP: an unreliable echo, the floor for any round trip.
extension RawUDPContender {
    func roundTrips(count: Int, warmUp: Int) throws -> [Double]? {
        let server = try RawUDPEchoServer()
        defer { try? server.stop() }
        let client = try UDPSocket()
        var message = [UInt8](repeating: 0, count: Workload.messageBytes)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        var from = sockaddr_in()
        for index in 0..<(warmUp + count) {
            let start = Stopwatch.nanoseconds()
            try message.withUnsafeBytes { try client.send($0, toPort: server.port) }
            // Loopback does not drop a lone datagram; a missing echo means something broke.
            guard try message.withUnsafeMutableBytes({ try client.receive(into: $0, from: &from) }) != nil else {
                throw BenchmarkError.timedOut("raw UDP echo")
            }
            if index >= warmUp { samples.append(Double(Stopwatch.nanoseconds() - start) / 1_000) }
        }
        return samples
    }
}
