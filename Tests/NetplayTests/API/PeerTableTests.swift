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
            var table = PeerTable(settings: ChannelSettings(ChannelConfig()))
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

        /// What the model holds for a peer: its state's mark (nil while quiet), and whether
        /// it is interrupted.
        private struct Modelled {
            var mark: Int?
            var interrupted = false
        }

        @Test("keeps quiet peers apart until they get channel state, through joins, leaves and interruptions")
        func quietPeersAgreeWithAModel() {
            var table = PeerTable(settings: ChannelSettings(ChannelConfig()))
            table.reserveCapacity(forPeers: 64)
            var model: [NetPeer: Modelled] = [:]
            var random = TestRandom(seed: 9)
            // Bounded: 3,000 steps over 100 ids, so every operation meets present, absent,
            // quiet and materialized peers alike.
            for step in 0..<3_000 {
                let peer = NetPeer(PeerID(rawValue: UInt32.random(in: 0..<100, using: &random)))
                switch Int.random(in: 0..<5, using: &random) {
                case 0:
                    table.insertQuiet(peer)
                    model[peer] = Modelled()
                case 1:
                    var state = NetCore.PeerState(channels: ChannelEndpoint(now: .zero))
                    state.counters.sent = step
                    table.insert(state, for: peer)
                    model[peer] = Modelled(mark: step)
                case 2:
                    let ran: Void? = table.updateMaterializing(peer, now: .zero) {
                        $0.counters.sent = step
                    }
                    #expect((ran != nil) == (model[peer] != nil))
                    model[peer]?.mark = step
                case 3:
                    let interrupted = Bool.random(using: &random)
                    #expect(table.setInterrupted(peer, interrupted) == (model[peer] != nil))
                    model[peer]?.interrupted = interrupted
                default:
                    table.remove(peer)
                    model[peer] = nil
                }
                // Now and then everyone goes at once (a takeover empties the table).
                if step % 1_000 == 999 {
                    table.removeAll()
                    model = [:]
                }
                let probe = NetPeer(PeerID(rawValue: UInt32.random(in: 0..<100, using: &random)))
                #expect(table.contains(probe) == (model[probe] != nil))
                #expect(table.isQuiet(probe) == (model[probe].map { $0.mark == nil } ?? false))
                #expect(table[probe]?.counters.sent == model[probe]?.mark)
                #expect(table.update(probe) { $0.counters.sent } == model[probe]?.mark)
                #expect(table.isInterrupted(probe) == model[probe]?.interrupted)
            }
            let ids = { (peers: [NetPeer]) in peers.sorted { $0.id.rawValue < $1.id.rawValue } }
            #expect(table.all == ids(Array(model.keys)))
            #expect(table.order == ids(model.filter { $0.value.mark != nil }.map(\.key)))
            #expect(table.count == model.count)
            var walked: [NetPeer] = []
            table.updateEach { peer, _ in walked.append(peer) }
            #expect(walked == table.order, "the passes over every state skip quiet peers")
        }
    }
}
