import BenchmarkKit

/// PodSixNet, what pygame users are pointed to: Python, asynchat over TCP, rencode framing.
/// Each figure is one run of `Scripts/podsixnet_bench.py` (see ``PodSixNetScript``).
///
/// TCP has no unreliable delivery, so that figure is n/a; figure 5 (host memory and CPU)
/// would need a PodSixNet client fleet outside Python and is not measured.
struct PodSixNetContender: Contender {
    let name = "PodSixNet"

    func roundTrips(count: Int, warmUp: Int) throws -> [Double]? {
        try PodSixNetScript.run(["rtt", String(count), String(warmUp)])
    }

    func throughput(_ delivery: Delivery, messages: Int) throws -> Double? {
        guard delivery == .reliableOrdered else { return nil }
        return try PodSixNetScript.run(["throughput", String(messages)]).first
    }

    func bulkTransfer(totalBytes: Int, messageBytes: Int) throws -> Double? {
        try PodSixNetScript.run(["bulk", String(totalBytes), String(messageBytes)]).first
    }

    func connectionsPerSecond(count: Int) throws -> Double? {
        try PodSixNetScript.run(["connect", String(count)]).first
    }

    func makeLoadHost(maxClients: Int) throws -> (any LoadHost)? { nil }

    func makeLoadClients(count: Int, port: UInt16) throws -> any LoadClients {
        throw BenchmarkError.library("PodSixNet has no figure-5 clients")
    }
}
