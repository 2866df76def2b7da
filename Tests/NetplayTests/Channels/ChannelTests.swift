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
struct ChannelTests {
    /// The standard layout's first reliable and first unreliable channel.
    static let reliable = ChannelID(0)
    static let unreliable = ChannelID(2)

    /// The instant `milliseconds` after the epoch.
    static func at(milliseconds: Int64) -> NetInstant { NetInstant(nanoseconds: milliseconds * 1_000_000) }
}
