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

extension ChannelTests {
    @Suite("Unreliable")
    struct UnreliableTests {
        static func fragment(_ id: UInt16, _ index: Int, of count: Int, _ bytes: [UInt8]) -> CarriedEntry {
            CarriedEntry(channel: 2, messageID: id, fragment: .init(index: index, count: count), bytes: bytes)
        }

        @Test("a fragmented unreliable message with a missing piece is dropped whole after the timeout")
        func missingFragmentDropsWhole() {
            var channel = UnreliableReceiveChannel(sequenced: false)
            #expect(channel.receive(Self.fragment(1, 0, of: 3, [1]), limit: 100, now: .zero).outcome == .buffered)
            #expect(channel.receive(Self.fragment(1, 2, of: 3, [3]), limit: 100, now: .zero).outcome == .buffered)
            #expect(channel.expire(now: .seconds(0.5)).count == 0)
            let expired = channel.expire(now: .seconds(1))
            #expect(expired.count == 1 && expired.freed > 0)
            #expect(channel.bufferedBytes == 0)
            // The late piece starts a new (incomplete) assembly rather than completing the old one.
            #expect(channel.receive(Self.fragment(1, 1, of: 3, [2]), limit: 100, now: .seconds(1)).outcome == .buffered)
        }

        @Test("a partial message from an earlier lap of the numbers never absorbs a new message's fragments")
        func wrappedNumbersDoNotMix() {
            var channel = UnreliableReceiveChannel(sequenced: false)
            _ = channel.receive(Self.fragment(7, 0, of: 2, [0xEE]), limit: 100, now: .zero)
            _ = channel.receive(Self.fragment(7 &+ 30_000, 0, of: 2, [0xAA]), limit: 100, now: .zero)
            _ = channel.receive(Self.fragment(7 &+ 60_000, 0, of: 2, [1]), limit: 100, now: .zero)
            let last = channel.receive(Self.fragment(7 &+ 60_000, 1, of: 2, [2]), limit: 100, now: .zero)
            #expect(last.outcome == .delivered([1, 2]))
            let old = channel.receive(Self.fragment(7, 1, of: 2, [0xFF]), limit: 100, now: .zero)
            #expect(old.outcome == .buffered)
        }

        @Test("a sequenced channel drops anything not newer than what it delivered")
        func sequencedNeverGoesBack() {
            var channel = UnreliableReceiveChannel(sequenced: true)
            let whole = { (id: UInt16) in
                CarriedEntry(channel: 3, messageID: id, fragment: nil, bytes: [UInt8(id & 0xFF)])
            }
            #expect(channel.receive(whole(10), limit: 100, now: .zero).outcome == .delivered([10]))
            #expect(channel.receive(whole(9), limit: 100, now: .zero).outcome == .stale)
            #expect(channel.receive(whole(10), limit: 100, now: .zero).outcome == .stale)
            #expect(channel.receive(whole(11), limit: 100, now: .zero).outcome == .delivered([11]))
            // 65,535 is twelve behind 11 once the numbers wrap, so it is stale too.
            #expect(channel.receive(whole(65_535), limit: 100, now: .zero).outcome == .stale)
        }

        @Test("a newer whole message on a sequenced channel frees the older partial ones, and says how many bytes")
        func sequencedDeliveryAccountsForTheFreedFragments() {
            var channel = UnreliableReceiveChannel(sequenced: true)
            let first = channel.receive(Self.fragment(20, 0, of: 3, [1, 2, 3]), limit: 100, now: .zero)
            #expect(first.outcome == .buffered && first.delta > 0 && channel.bufferedBytes == first.delta)
            let whole = CarriedEntry(channel: 2, messageID: 21, fragment: nil, bytes: [9])
            let newer = channel.receive(whole, limit: 100, now: .zero)
            #expect(newer.outcome == .delivered([9]))
            // Every byte the fragment added leaves with it: the endpoint's count returns to zero.
            #expect(newer.delta == -first.delta)
            #expect(channel.bufferedBytes == 0 && !channel.isAssembling)
        }
    }
}
