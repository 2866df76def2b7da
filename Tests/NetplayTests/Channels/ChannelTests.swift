import Testing
@testable import NetplayBase
@testable import NetplayWire
@testable import NetplayProtocol
@testable import NetplayChannels
@testable import NetplayReplication
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import Netplay
@testable import NetplayTesting

/// Parent suite, so `swift test --filter Channel` selects every channel test.
@Suite("Channels")
struct ChannelTests {}
