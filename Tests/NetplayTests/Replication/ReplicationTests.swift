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

/// Namespace for the Replication layer's suites, so `swift test --filter Replication`
/// selects exactly them.
enum ReplicationTests {}

/// A host and one client wired directly (no network), for tests that choose exactly which
/// snapshots arrive.
struct DirectPair {
    var host = ReplicationHost<SceneUnit, SceneMove>()
    var client = ReplicationClient<SceneUnit, SceneMove>(id: DirectPair.clientID)
    static let clientID = ParticipantID(1)
    var now = NetInstant.zero

    init() { host.addClient(Self.clientID) }

    /// Advances a tick and returns the snapshot bytes (not yet delivered).
    mutating func tick() throws -> [UInt8] {
        host.advanceTick()
        now = host.configuration.tickRate.instant(of: host.tick)
        return try host.makeSnapshot(for: Self.clientID, now: now)
    }

    /// Delivers a snapshot and the client's acknowledgement back.
    mutating func deliver(_ snapshot: [UInt8]) throws {
        try client.receiveSnapshot(snapshot, now: now)
        try host.receive(try client.makePacket(now: now), from: Self.clientID, now: now)
    }
}
