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
        let confirmationTag: [UInt8]
        let reply: Reply
        /// When the cookie stops being valid; afterwards its timestamp check rejects it anyway.
        let expiresAt: NetInstant
    }

    let capacity: Int
    private var answers: [[UInt8]: Answer] = [:]
    /// Cookies in the order they were answered: all share one lifetime, so the first is also
    /// the first to expire.
    private var order: [[UInt8]] = []
    private var head = 0

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    /// Cookies remembered now.
    var count: Int { answers.count }

    /// The answer recorded for `cookie`, if it is still valid at `now`.
    func answer(for cookie: [UInt8], now: NetInstant) -> Answer? {
        guard let answer = answers[cookie], now < answer.expiresAt else { return nil }
        return answer
    }

    /// Records the answer to a response with `cookie`, forgetting expired entries first and
    /// the oldest one when full.
    mutating func record(_ answer: Answer, for cookie: [UInt8], now: NetInstant) {
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
