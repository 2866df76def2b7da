import BenchmarkKit

#if canImport(Glibc)
import Glibc
#endif

/// Figure 2 for raw UDP: datagrams blasted one way; what the receiver gets per second.
extension RawUDPContender {
    func throughput(_ delivery: Delivery, messages: Int) throws -> Double? {
        guard delivery == .unreliable else { return nil }
        let receiver = try UDPSocket()
        let port = receiver.port
        nonisolated(unsafe) let receiveSocket = receiver
        let counters = DeliveryCounters()
        let sink = BackgroundThread { thread in
            var buffer = [UInt8](repeating: 0, count: Workload.messageBytes)
            var peer = sockaddr_in()
            while !thread.shouldStop, !counters.receiverMayStop(expected: messages) {
                if try buffer.withUnsafeMutableBytes({ try receiveSocket.receive(into: $0, from: &peer) }) != nil {
                    counters.recordArrival()
                }
            }
        }
        let sender = try UDPSocket()
        let message = [UInt8](repeating: 0, count: Workload.messageBytes)
        let start = Stopwatch.nanoseconds()
        for _ in 0..<messages { try message.withUnsafeBytes { try sender.send($0, toPort: port) } }
        counters.markSenderFinished()
        try sink.join(within: Workload.waitTimeoutSeconds)
        return counters.rate(since: start)
    }
}
