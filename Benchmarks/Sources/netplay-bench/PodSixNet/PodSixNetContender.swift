import BenchmarkKit

/// PodSixNet, what pygame users are pointed to: Python, asyncore, TCP, rencode.
struct PodSixNetContender: Contender {
    let name = "PodSixNet"
    func roundTrips(count: Int, warmUp: Int) throws -> [Double]? { nil }
    func throughput(_ delivery: Delivery, messages: Int) throws -> Double? { nil }
    func bulkTransfer(totalBytes: Int, messageBytes: Int) throws -> Double? { nil }
    func connectionsPerSecond(count: Int) throws -> Double? { nil }
    func makeLoadHost(maxClients: Int) throws -> (any LoadHost)? { nil }
    func makeLoadClients(count: Int, port: UInt16) throws -> any LoadClients { throw BenchmarkError.library("n/a") }
}
