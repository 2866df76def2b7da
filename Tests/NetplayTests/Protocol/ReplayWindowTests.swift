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

@Suite("Protocol replay window and sequence reconstruction")
struct ProtocolReplayWindowTests {
    @Test("accepts each sequence once, within 256 of the newest, in any order")
    func replayWindow() {
        var window = ReplayWindow()
        for sequence: UInt64 in [5, 3, 300, 299, 45, 100] {
            #expect(window.accepts(sequence))
            window.mark(sequence)
            #expect(!window.accepts(sequence))
        }
        #expect(!window.accepts(44))  // 256 behind the newest (300): too old to judge
        #expect(window.accepts(46))  // in the window, never seen
        window.mark(10_000)
        #expect(!window.accepts(300) && !window.accepts(9_744) && window.accepts(9_745) && !window.accepts(10_000))
    }

    @Test("a window slid by less than its size forgets exactly the slots it passes")
    func slidingClearsOldSlots() {
        var window = ReplayWindow()
        for sequence: UInt64 in 0..<256 { window.mark(sequence) }
        window.mark(300)
        #expect((45..<256).allSatisfy { !window.accepts(UInt64($0)) })
        #expect((256..<300).allSatisfy { window.accepts(UInt64($0)) })
    }

    @Test("sequences rebuild from their low 32 bits near the newest")
    func sequenceExpansion() {
        #expect(SequenceNumber.expand(0, newest: nil) == 0)
        #expect(SequenceNumber.expand(7, newest: 3) == 7)
        #expect(SequenceNumber.expand(2, newest: 0xFFFF_FFF0) == 0x1_0000_0002)
        #expect(SequenceNumber.expand(0xFFFF_FFF0, newest: 0x1_0000_0002) == 0xFFFF_FFF0)
        #expect(SequenceNumber.expand(UInt32.max, newest: UInt64.max - 1) == UInt64.max)
        for newest: UInt64 in [0, 1_000, 0xFFFF_FFFF, 0x5_0000_0000, 0x7FFF_FFFF_0000_0000] {
            for delta: Int64 in [-1_000, -1, 0, 1, 2, 1_000_000] where Int64(newest) + delta >= 0 {
                let actual = UInt64(Int64(newest) + delta)
                #expect(SequenceNumber.expand(UInt32(truncatingIfNeeded: actual), newest: newest) == actual)
            }
        }
    }
}
