import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayTesting

extension APITests {
    /// The core's table of connected peers: kept in id order and found by binary search, so it
    /// must agree with a plain dictionary through any mix of joins, leaves and rejoins.
    @Suite("Peer table")
    struct PeerTableTests {
        @Test("finds, replaces and removes peers as a dictionary would, in id order")
        func agreesWithADictionary() {
            var table = PeerTable()
            var reference: [NetPeer: Int] = [:]
            var random = TestRandom(seed: 5)
            // Ids from a small range, so joins of a present id (replacements) and removals
            // of absent ones happen often; bounded: 3,000 steps.
            for step in 0..<3_000 {
                let peer = NetPeer(PeerID(rawValue: UInt32.random(in: 0..<200, using: &random)))
                if Int.random(in: 0..<3, using: &random) < 2 {
                    var state = NetCore.PeerState(channels: ChannelEndpoint(now: .zero))
                    state.counters.sent = step
                    table.insert(state, for: peer)
                    reference[peer] = step
                } else {
                    table.remove(peer)
                    reference[peer] = nil
                }
                let probe = NetPeer(PeerID(rawValue: UInt32.random(in: 0..<200, using: &random)))
                #expect(table[probe]?.counters.sent == reference[probe])
                #expect(table.contains(probe) == (reference[probe] != nil))
            }
            #expect(table.order == reference.keys.sorted { $0.id.rawValue < $1.id.rawValue })
            for (peer, step) in reference { #expect(table[peer]?.counters.sent == step) }
            let extremes = [NetPeer(PeerID(rawValue: 0)), NetPeer(PeerID(rawValue: .max))]
            for peer in extremes { table.insert(NetCore.PeerState(channels: ChannelEndpoint(now: .zero)), for: peer) }
            #expect(table.order.first == extremes[0] && table.order.last == extremes[1])
            table.removeAll()
            #expect(table.isEmpty && table[extremes[0]] == nil)
        }
    }
}
