import AllocationCounter
import Testing

@testable import NetplayBase
@testable import NetplayChannels

extension ChannelTests {
    /// Reassembly keeps each fragment once: its cost grows with the fragments, not with their
    /// square. Counted, not timed: copying the pieces at every insert (the window's copy of a
    /// partial message and the one being filled sharing them) showed as two more allocations
    /// per fragment in this debug build — 8.06 a fragment, against 6.08 now (the rest is
    /// unspecialized generic code: a debug build allocates for dictionary updates).
    @Suite(
        "Reassembly cost",
        .enabled(if: netplay_allocation_counting_available() == 1, "allocations are counted on Linux only"))
    struct ReassemblyCostTests {
        static let fragments = 900
        /// Committed ceiling, allocations per fragment (debug build); lower it when reassembly
        /// allocates less.
        static let ceilingPerFragment = 6.25

        @Test("a reliable message's fragments are stored without copying the ones before them")
        func reliableReassemblyAllocatesOncePerFragment() {
            var channel = ReliableReceiveChannel(ordered: true)
            let piece = [UInt8](repeating: 7, count: 64)
            let entries = (0..<Self.fragments).map {
                CarriedEntry(channel: 0, messageID: 0, fragment: .init(index: $0, count: Self.fragments), bytes: piece)
            }
            var released: [DeliveredMessage] = []
            released.reserveCapacity(1)
            netplay_allocation_counting_start()
            for entry in entries {
                _ = channel.insert(
                    entry, full: 0, limit: 1 << 20, now: .zero, channel: ChannelID(0), released: &released)
            }
            let allocations = netplay_allocation_counting_stop()
            print("allocations reassembling \(Self.fragments) fragments: \(allocations)")
            #expect(released.map(\.bytes.count) == [Self.fragments * piece.count])
            let perFragment = Double(allocations) / Double(Self.fragments)
            #expect(
                perFragment <= Self.ceilingPerFragment, "\(allocations) allocations for \(Self.fragments) fragments")
        }
    }
}
