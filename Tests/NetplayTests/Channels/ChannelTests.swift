import Testing
@testable import Netplay

/// Parent suite, so `swift test --filter Channel` selects every channel test.
@Suite("Channels")
struct ChannelTests {}
