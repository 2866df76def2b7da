import Testing

@testable import NetplayBase
@testable import NetplayChannels

extension ChannelTests {
    /// Which bits of an ack header the sender looks up: only those naming a sequence still on
    /// its ledger (the resolved prefix is dropped), across the 16-bit wrap.
    @Suite("Sent packet ledger")
    struct SentPacketLedgerTests {
        /// A ledger that has sent `count` packets with entries and dropped the first
        /// `acknowledged` of them, acknowledged.
        /// (Each acknowledged as it is sent, as in a steady exchange, so that the ledger never
        /// spans more than the 16-bit sequence can name.)
        static func ledger(sent count: Int, acknowledged: Int) -> SentPacketLedger {
            var ledger = SentPacketLedger()
            for sequence in 0..<count {
                let wire = ledger.record(.init(sentAt: .zero, bytes: 100, pieces: [], inFlight: true))
                guard sequence < acknowledged else { continue }
                _ = ledger.acknowledge(wire)
                _ = ledger.dropResolved(lossHorizon: .zero, reachHorizon: .zero)
            }
            return ledger
        }

        @Test func onlyBitsNamingHeldSequencesAreLookedUp() {
            // Sequences 0-9 sent, 0-7 resolved and dropped: 8 and 9 are held.
            let ledger = Self.ledger(sent: 10, acknowledged: 8)
            #expect(ledger.count == 2)
            // An ack of 9: bit 0 names 8 (held), bit 1 names 7 (dropped).
            #expect(ledger.ackBitsMask(before: 9) == 0b1)
            // An ack of 8 names nothing older that is held.
            #expect(ledger.ackBitsMask(before: 8) == 0)
            // An ack of a sequence before the ledger's first: nothing.
            #expect(ledger.ackBitsMask(before: 3) == 0)
            // Nothing dropped yet: every bit of a late ack may name a held packet.
            let fresh = Self.ledger(sent: 40, acknowledged: 0)
            #expect(fresh.ackBitsMask(before: 39) == .max)
            #expect(fresh.ackBitsMask(before: 5) == 0b11111)
        }

        @Test func theMaskFollowsTheSequenceAcrossTheWrap() {
            // 65,540 sent, all but the last 6 dropped: 65,534 ... 65,539 (wire 65534, 65535, 0-3).
            let ledger = Self.ledger(sent: 65_540, acknowledged: 65_534)
            #expect(ledger.count == 6)
            #expect(ledger.ackBitsMask(before: 3) == 0b11111)
            #expect(ledger.ackBitsMask(before: 0) == 0b11)
            #expect(ledger.ackBitsMask(before: 65_535) == 0b1)
        }
    }
}
