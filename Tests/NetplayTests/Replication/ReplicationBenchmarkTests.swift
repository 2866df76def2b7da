import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension ReplicationTests {
    /// Prints the standard scene's bandwidth figures. Run it in release:
    /// `swift test -c release --filter ReplicationBenchmark`.
    @Suite("ReplicationBenchmark")
    struct ReplicationBenchmarkTests {
        @Test func standardSceneFigures() throws {
            #if DEBUG
            let seconds = 10  // debug builds are slow; the 60 s figure comes from release
            #else
            let seconds = 60
            #endif
            let result = try ReplicationBenchmark.run(seconds: seconds)
            print(result)
            #expect(result.netplayKbps * 50 <= result.jsonKbps, "goal: at most 1/50 of JSON")
            #expect(result.netplayKbps * 4 <= result.fullSnapshotKbps, "goal: at most 1/4 of full snapshots")
        }
    }
}
