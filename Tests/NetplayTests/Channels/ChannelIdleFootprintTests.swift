import Testing

@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayLinkConditioner
@testable import NetplayTesting

extension ChannelTests {
    /// A host with hundreds of quiet connections keeps each small: a peer's channel layer
    /// holds its per-channel lanes and its received-packet window only once traffic flows.
    @Suite("Idle footprint")
    struct IdleFootprintTests {
        @Test("An endpoint makes no lanes until a message is sent or a payload with entries arrives")
        func lanesAreMadeOnFirstTraffic() throws {
            var pair = ChannelPair(aToB: LinkImpairment(), seed: 5)
            for _ in 0..<50 { pair.step() }
            #expect(pair.a.lanes.isEmpty)
            #expect(pair.b.lanes.isEmpty)
            // Statistics still list every channel of the layout, with empty queues.
            #expect(pair.a.statistics.queues.count == pair.a.config.layout.kinds.count)
            #expect(pair.a.statistics.queues.allSatisfy { $0.messages == 0 && $0.bytes == 0 })

            try pair.a.enqueue([7, 8, 9], on: ChannelID(0), now: pair.now)
            #expect(pair.a.lanes.count == pair.a.config.layout.kinds.count)
            for _ in 0..<50 { pair.step() }
            #expect(pair.b.lanes.count == pair.b.config.layout.kinds.count)
            #expect(pair.deliveredAtB.map(\.bytes) == [[7, 8, 9]])
        }
    }
}
