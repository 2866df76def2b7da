/// How a channel delivers its messages.
///
/// The four classic game-networking guarantees (ENet, GameNetworkingSockets, Unity Transport
/// name the same four): pick the weakest one your message can live with, because every
/// guarantee costs latency when packets are lost.
@usableFromInline
package enum ChannelKind: Sendable, Hashable, CaseIterable {
    /// Every message arrives exactly once, in the order it was sent. A lost packet holds back
    /// later messages on this channel (never on another one) until it is resent.
    case reliableOrdered
    /// Every message arrives exactly once, as soon as it is complete, in any order.
    case reliableUnordered
    /// Messages may be lost; those that arrive do so once each, in any order.
    case unreliable
    /// Messages may be lost; an arriving message older than one already delivered is dropped,
    /// so the receiver only ever moves forward ("newest wins", for state updates).
    case unreliableSequenced

    /// Whether messages on this kind of channel are resent until acknowledged.
    ///
    /// A `switch`, one comparison of the case: two `==` were two calls of the synthesized
    /// equality, some 75 instructions a datagram where the channel layer asks per lane.
    package var isReliable: Bool {
        switch self {
        case .reliableOrdered, .reliableUnordered: return true
        case .unreliable, .unreliableSequenced: return false
        }
    }
}

/// Names one channel of a ``ChannelLayout``: the index of its kind in ``ChannelLayout/kinds``.
///
/// `@usableFromInline` for other modules' speed, as `NetInstant` is (see there).
@usableFromInline
package struct ChannelID: Hashable, Sendable, CustomStringConvertible {
    /// Position in the layout; also the channel byte on the wire.
    @usableFromInline package let index: UInt8

    /// Creates a channel identifier.
    @inlinable
    package init(_ index: UInt8) { self.index = index }

    @usableFromInline package var description: String { "channel \(index)" }
}

/// The channels of a connection and their kinds. Both ends must use the same layout: the
/// wire carries only the channel index, and the receiver reads the kind from its own layout.
@usableFromInline
package struct ChannelLayout: Sendable, Hashable {
    /// Channel `i` has kind `kinds[i]`. At most ``maxChannels`` entries are used.
    package var kinds: [ChannelKind]

    /// Creates a layout; channels beyond ``maxChannels`` are ignored.
    package init(_ kinds: [ChannelKind]) { self.kinds = Array(kinds.prefix(Self.maxChannels)) }

    /// One channel of each kind: 0 reliableOrdered, 1 reliableUnordered, 2 unreliable,
    /// 3 unreliableSequenced.
    package static let standard = ChannelLayout([
        .reliableOrdered, .reliableUnordered, .unreliable, .unreliableSequenced,
    ])

    /// The channel index is one byte on the wire.
    static let maxChannels = 256

    /// The kind of `channel`, or `nil` if the layout has no such channel.
    package func kind(of channel: ChannelID) -> ChannelKind? {
        Int(channel.index) < kinds.count ? kinds[Int(channel.index)] : nil
    }
}
