/// Bandwidth of the standard scene — 2 players, 100 creeps moving, 200 bullets in flight,
/// 30 Hz — per client, three ways: Netplay (delta snapshots against acknowledged baselines
/// plus one reliable event per bullet), full binary snapshots of every entity (bullets
/// included) without deltas, and the newcomer's JSON of every position 60 times a second.
///
/// Runs in virtual time over a ``MemoryNetwork`` whose links have `impairment`, so Netplay's
/// deltas meet real acknowledgement delay and loss. Figures are payload bits only (no UDP/IP
/// headers) sent from the host to one client.
package enum ReplicationBenchmark {
    /// Kilobits per second per client, by approach.
    package struct Result: Sendable, CustomStringConvertible {
        /// Virtual seconds simulated.
        package var seconds: Int
        /// Netplay's snapshot datagrams.
        var netplaySnapshotKbps: Double
        /// Netplay's bullet events, retransmissions included.
        var netplayEventKbps: Double
        /// Netplay in total (snapshots plus events).
        package var netplayKbps: Double { netplaySnapshotKbps + netplayEventKbps }
        /// Every entity, bullets included, in full every tick (same quantized fields).
        package var fullSnapshotKbps: Double
        /// `JSONEncoder` output of every position, 60 times a second.
        package var jsonKbps: Double
        /// What each client sends the host (acks and redundant inputs), for reference.
        var upstreamKbps: Double
        /// Host CPU (wall-clock nanoseconds on this machine) per entity per snapshot: coding
        /// each entity's state into fields and building the snapshot.
        package var hostNanosecondsPerEntity: Double
        /// Client CPU per entity per snapshot received: decoding and applying the snapshot.
        package var clientNanosecondsPerEntity: Double
        /// Both sides: the layer's CPU cost per entity per snapshot.
        package var nanosecondsPerEntity: Double { hostNanosecondsPerEntity + clientNanosecondsPerEntity }

        package var description: String {
            """
            standard scene, \(seconds) s, per client (payload kbit/s):
              Netplay           \(Self.format(netplayKbps)) (snapshots \(Self.format(netplaySnapshotKbps)) + bullet events \(Self.format(netplayEventKbps)))
              full snapshots    \(Self.format(fullSnapshotKbps))  → Netplay is 1/\(Self.format(fullSnapshotKbps / netplayKbps))
              JSON at 60 Hz     \(Self.format(jsonKbps))  → Netplay is 1/\(Self.format(jsonKbps / netplayKbps))
              upstream (inputs) \(Self.format(upstreamKbps))
            CPU per entity per snapshot (ns, this machine): \(Self.format(nanosecondsPerEntity)) (host \(Self.format(hostNanosecondsPerEntity)) + client \(Self.format(clientNanosecondsPerEntity)))
            """
        }

        package static func format(_ value: Double) -> String {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
    }

    /// The link of the bars in issue 6: 80 ± 20 ms one way, 5 % loss.
    static let standardImpairment = LinkImpairment(
        latency: .milliseconds(80), jitter: .milliseconds(20), lossProbability: 0.05)

    /// Runs the scene for `seconds` of virtual time.
    package static func run(seconds: Int = 60, seed: UInt64 = 1, impairment: LinkImpairment = standardImpairment) throws
        -> Result
    {
        var run = try BenchmarkRun(seed: seed, impairment: impairment)
        let ticks = seconds * run.configuration.tickRate.hertz
        for _ in 0..<ticks { try run.step() }
        let perClient = 1.0 / Double(Scene.playerCount) / Double(seconds) / 1000 * 8
        return Result(
            seconds: seconds,
            netplaySnapshotKbps: Double(run.snapshotBytes) * perClient,
            netplayEventKbps: Double(run.eventBytes) * perClient,
            fullSnapshotKbps: Double(run.fullSnapshotBytes) * 8 / Double(seconds) / 1000,
            jsonKbps: Double(run.jsonBytes) * 8 / Double(seconds) / 1000,
            upstreamKbps: Double(run.upstreamBytes) * perClient,
            hostNanosecondsPerEntity: nanoseconds(run.hostTime) / Double(max(run.entitySnapshots, 1)),
            clientNanosecondsPerEntity: nanoseconds(run.clientTime) / Double(max(run.receivedEntitySnapshots, 1)))
    }

    private static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}
