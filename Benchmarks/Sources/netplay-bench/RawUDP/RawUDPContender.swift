import BenchmarkKit

/// Bare datagrams with no protocol at all: the lower bound for latency and the ceiling for
/// unreliable rate. Figures that need reliability (reliable throughput, 1 MiB messages) are
/// n/a: adding reliability would make it a library of its own.
struct RawUDPContender: Contender {
    let name = "raw UDP"

    func bulkTransfer(totalBytes: Int, messageBytes: Int) throws -> Double? { nil }
}
