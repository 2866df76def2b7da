import Testing

@testable import NetplayBase
@testable import NetplayChannels

extension ChannelTests {
    /// The ack header's bitfield, read from the window a word at a time, against the rule it
    /// implements written out per sequence: bit `i` is set exactly when sequence `ack - 1 - i`
    /// arrived and is still inside the 256-sequence window.
    @Suite("Ack header")
    struct AckHeaderTests {
        @Test("the ack bits name exactly the arrived sequences below the ack, in the window")
        func ackBitsMatchTheArrivalsPerSequence() {
            var random = TestRandom(seed: 29)
            for _ in 0..<20 {
                var window = ReceivedPacketWindow()
                var arrived = Set<Int64>()
                #expect(window.header(acknowledging: -1) == (0xFFFF, 0))
                var next: Int64 = 0
                for _ in 0..<600 {
                    // Mostly in order, some gaps, now and then a jump past the whole window,
                    // and late arrivals of older sequences.
                    let step = Int64.random(in: 0..<100, using: &random)
                    let sequence: Int64
                    switch step {
                    case 0..<70: sequence = next
                    case 70..<90: sequence = next + Int64.random(in: 1...40, using: &random)
                    case 90..<93: sequence = next + Int64.random(in: 200...700, using: &random)
                    default: sequence = max(next - Int64.random(in: 1...300, using: &random), 0)
                    }
                    guard case .new(let full) = window.classify(WrappingSequence.truncate(sequence)), full == sequence
                    else { continue }
                    let needs: [ReceivedPacketWindow.AckNeed] = [.none, .relaxed, .prompt]
                    window.markReceived(
                        sequence, needs: needs[Int.random(in: 0..<3, using: &random)], now: NetInstant(nanoseconds: 0))
                    arrived.insert(sequence)
                    next = max(next, sequence + 1)
                    // The newest, a little older (an owed sequence), and far enough back that
                    // the bits reach below the window, whose slots newer sequences reuse.
                    let older = window.newest - Int64.random(in: 0...40, using: &random)
                    let farBack = window.newest - Int64.random(in: 200...300, using: &random)
                    for ack in [window.newest, older, farBack] {
                        #expect(window.header(acknowledging: ack).bits == Self.expectedBits(ack, window, arrived))
                    }
                }
            }
        }

        static func expectedBits(_ ack: Int64, _ window: ReceivedPacketWindow, _ arrived: Set<Int64>) -> UInt32 {
            var bits: UInt32 = 0
            for bit in 0..<32 {
                let sequence = ack - 1 - Int64(bit)
                let inWindow = sequence >= 0 && sequence > window.newest - Int64(ReceivedPacketWindow.size)
                if inWindow, arrived.contains(sequence) { bits |= 1 << UInt32(bit) }
            }
            return bits
        }
    }
}
