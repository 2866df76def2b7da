/// Why an incoming datagram was discarded.
package enum DropReason: String, CaseIterable, Sendable, Hashable {
    /// Too short, an unknown packet type, or fields that do not parse.
    case malformed
    /// Longer than the configured MTU.
    case tooLarge
    /// A `hello` or `response` below the anti-amplification floor of 1200 bytes.
    case unpadded
    /// Another protocol id: some other game or program.
    case wrongProtocol
    /// A well-formed packet that has no meaning in the current state (e.g. a stray challenge).
    case unexpected
    /// A handshake cookie that this host did not issue for this address and key.
    case badCookie
    /// A handshake cookie older than its lifetime (or from the future).
    case staleCookie
    /// Authentication failed: forged, corrupted, or sealed with another key.
    case badMAC
    /// A sequence number seen before, or too old for the replay window.
    case replayed
    /// A connected packet for a session id this endpoint does not have.
    case unknownPeer
    /// A packet for a known session from another source address (spoofing or NAT rebinding).
    case wrongAddress
    /// A handshake reply that would exceed the queue of undrained replies.
    case rateLimited
    /// A handshake packet over its source's token bucket: dropped before any cryptography.
    case throttled
    /// A handshake packet that found the deferred-handshake queue full (the host is behind).
    case backlogged
    /// A response whose cookie was already answered, with another confirmation tag: each
    /// cookie buys one key exchange (a join-code guess, or a seat), never more.
    case usedCookie
    /// A response that would have to evict a pending peer admitted less than a second ago:
    /// dropped unanswered; the client's next resend tries again.
    case seatsBusy
}

/// How many datagrams an endpoint dropped, per reason. Every dropped datagram counts once.
package struct DropCounters: Sendable, Hashable, CustomStringConvertible {
    private var counts: [DropReason: Int] = [:]

    /// Creates zeroed counters.
    package init() {}

    /// Datagrams dropped for `reason`.
    package subscript(reason: DropReason) -> Int { counts[reason, default: 0] }

    /// Datagrams dropped for any reason.
    package var total: Int { counts.values.reduce(0, +) }

    package mutating func record(_ reason: DropReason) { counts[reason, default: 0] += 1 }

    package var description: String {
        let parts = DropReason.allCases.compactMap { reason in
            counts[reason].map { "\(reason.rawValue)=\($0)" }
        }
        return parts.isEmpty ? "no drops" : parts.joined(separator: " ")
    }
}
