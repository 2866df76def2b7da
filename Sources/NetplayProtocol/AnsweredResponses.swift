import NetplayBase

/// The `response` packets a host has answered, by cookie, for as long as the cookie is valid:
/// each cookie buys exactly one key exchange.
///
/// A replayed response (the same cookie and confirmation tag) gets the recorded answer again
/// without any cryptography; a response that reuses a cookie with another tag (another
/// join-code guess) is dropped. Without this, one valid response resent from its address
/// forced a fresh key agreement and a fresh refusal for every copy.
struct AnsweredResponses: Sendable {
    /// What a response got.
    enum Reply: Sendable, Hashable {
        /// A `denied` packet, resent byte for byte.
        case denied([UInt8])
        /// Admission as this peer; a replay gets the peer's `accepted` while it exists.
        case admitted(PeerID)
    }

    struct Answer: Sendable {
        let confirmationTag: MAC128
        let reply: Reply
        /// When the cookie stops being valid; afterwards its timestamp check rejects it anyway.
        let expiresAt: NetInstant
    }

    /// A cookie or a confirmation tag (16 bytes each, see `FieldSize`) in two words: as arrays,
    /// each answer kept two allocations of its own for the cookie's lifetime, 10 s after its
    /// peer joined, about 130 heap bytes a peer.
    struct MAC128: Hashable, Sendable {
        private let words: (UInt64, UInt64)

        /// The value of 16 `bytes`; nil for any other count (nothing a checked packet holds).
        init?(_ bytes: [UInt8]) {
            guard bytes.count == 16 else { return nil }
            words = bytes.withUnsafeBytes {
                ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
        }

        /// Whether `other` holds the same 16 bytes, in time independent of where they differ
        /// (as `constantTimeEqual` compares arrays).
        func isEqualInConstantTime(to other: MAC128) -> Bool {
            (words.0 ^ other.words.0) | (words.1 ^ other.words.1) == 0
        }

        static func == (lhs: MAC128, rhs: MAC128) -> Bool { lhs.words == rhs.words }
        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
        }
    }

    let capacity: Int
    private var answers: [MAC128: Answer] = [:]
    /// Cookies in the order they were answered: all share one lifetime, so the first is also
    /// the first to expire.
    private var order: [MAC128] = []
    private var head = 0

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    /// Cookies remembered now.
    var count: Int { answers.count }

    /// The answer recorded for `cookie`, if it is still valid at `now`.
    func answer(for cookie: [UInt8], now: NetInstant) -> Answer? {
        guard let cookie = MAC128(cookie), let answer = answers[cookie], now < answer.expiresAt else { return nil }
        return answer
    }

    /// Records the answer to a response with `cookie`, forgetting expired entries first and
    /// the oldest one when full.
    mutating func record(_ answer: Answer, for cookie: MAC128, now: NetInstant) {
        while head < order.count, answers[order[head]].map({ $0.expiresAt <= now }) ?? true {
            answers[order[head]] = nil
            head += 1
        }
        while answers.count >= capacity, head < order.count {
            answers[order[head]] = nil
            head += 1
        }
        // Compact once the dead prefix outgrows the live part: amortised O(1) per record.
        if head > capacity {
            order.removeFirst(head)
            head = 0
        }
        if answers.updateValue(answer, forKey: cookie) == nil { order.append(cookie) }
    }
}
