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

/// Parent suite, so `swift test --filter Channel` selects every channel test.
@Suite("Channels")
struct ChannelTests {}
