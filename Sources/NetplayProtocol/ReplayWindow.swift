/// Remembers which of the last 256 sequence numbers arrived, so a recorded packet replayed by
/// an attacker (or duplicated by the network) is delivered at most once.
///
/// A ring of bits indexed by `sequence % 256` (the scheme of WireGuard and RFC 6479): a packet
/// newer than any seen is accepted; one at most 255 behind the newest is accepted once; older
/// ones are rejected, since nothing can tell whether they were seen.
package struct ReplayWindow: Sendable, Hashable {
    /// Sequence numbers tracked behind the newest.
    package static let size = 256
    private static let wordBits = UInt64.bitWidth

    /// The newest sequence number accepted so far.
    package private(set) var newest: UInt64?
    /// Held inline (no heap array): one allocation fewer per connection.
    private var bits = Words()

    /// Whether `sequence` would be accepted (not seen, not too old).
    func accepts(_ sequence: UInt64) -> Bool {
        guard let newest else { return true }
        if sequence > newest { return true }
        if newest - sequence >= UInt64(Self.size) { return false }
        return !isMarked(sequence)
    }

    /// Records `sequence` as seen; call only after `accepts` and authentication succeed.
    mutating func mark(_ sequence: UInt64) {
        if let newest, sequence <= newest {
            setBit(sequence)
            return
        }
        let oldNewest = newest
        newest = sequence
        if let oldNewest, sequence - oldNewest < UInt64(Self.size) {
            // Clear the slots the window slides over; they held sequences 256 older.
            var cleared = oldNewest &+ 1
            while cleared < sequence {
                clearBit(cleared)
                cleared &+= 1
            }
        } else {
            bits = Words()
        }
        setBit(sequence)
    }

    private func slot(_ sequence: UInt64) -> (word: Int, mask: UInt64) {
        let index = Int(sequence % UInt64(Self.size))
        return (index / Self.wordBits, 1 << UInt64(index % Self.wordBits))
    }

    private func isMarked(_ sequence: UInt64) -> Bool {
        let (word, mask) = slot(sequence)
        return bits[word] & mask != 0
    }

    private mutating func setBit(_ sequence: UInt64) {
        let (word, mask) = slot(sequence)
        bits[word] |= mask
    }

    private mutating func clearBit(_ sequence: UInt64) {
        let (word, mask) = slot(sequence)
        bits[word] &= ~mask
    }
}

extension ReplayWindow {
    /// The window's 256 bits as four inline words.
    fileprivate struct Words: Sendable, Hashable {
        private var first: UInt64 = 0
        private var second: UInt64 = 0
        private var third: UInt64 = 0
        private var fourth: UInt64 = 0

        subscript(word: Int) -> UInt64 {
            get {
                switch word {
                case 0: return first
                case 1: return second
                case 2: return third
                default: return fourth
                }
            }
            set {
                switch word {
                case 0: first = newValue
                case 1: second = newValue
                case 2: third = newValue
                default: fourth = newValue
                }
            }
        }
    }
}
