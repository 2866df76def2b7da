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

/// The handshake timeout counts from when the driver first runs the endpoint: a busy machine
/// that takes longer than the timeout to bind the socket must not fail the connection.
@Test func handshakeTimeoutCountsFromTheFirstUpdateNotFromCreation() {
    let config = TestSetup.config()
    var client = ClientEndpoint(config: config, host: TestSetup.hostAddress, now: .zero, random: .seeded(3))
    let firstRun = NetInstant.zero + config.timeout + .seconds(20)
    client.update(now: firstRun)
    #expect(client.drainEvents().isEmpty, "no hostUnreachable before the handshake ever ran")
    #expect(client.drainOutgoing().count == 1, "the hello goes out")
    client.update(now: firstRun + config.timeout + .milliseconds(1))
    #expect(client.drainEvents().contains { if case .disconnected(.hostUnreachable) = $0 { true } else { false } })
}
