/// Packet-sized byte buffers a layer is done with (a sealed datagram the transport sent, an
/// opened plaintext the channels read, a payload sealed into its packet), kept for the next
/// packet of the same layer instead of freed and allocated again (emptied when taken, unless
/// the taker overwrites them whole).
///
/// Bounded: at most ``maxBuffers`` of at most ``maxBufferCapacity`` bytes each, so a burst
/// leaves no more than about 24 KiB behind. A buffer still shared when it is taken (a
/// transport that kept the datagram) is copied on write by whoever writes it: never a change
/// under another holder's feet, only no saving.
package struct PacketBufferStash: Sendable {
    private var buffers: [[UInt8]] = []

    package init() {}

    /// Buffers kept.
    package var count: Int { buffers.count }

    /// Keeps the storage of `bytes` if there is room, leaving `bytes` empty either way.
    package mutating func recycle(_ bytes: inout [UInt8]) {
        guard bytes.capacity > 0, bytes.capacity <= Self.maxBufferCapacity, buffers.count < Self.maxBuffers else {
            bytes = []
            return
        }
        if buffers.capacity == 0 { buffers.reserveCapacity(Self.maxBuffers) }
        // Moved in: appended as a copy, the buffer cost a retain and a release.
        buffers.append(bytes.lend())
    }

    /// An empty array with room for at least `capacity` bytes: ``takeForOverwrite(capacity:)``'s
    /// buffer, emptied.
    package mutating func take(capacity: Int) -> [UInt8] {
        var buffer = takeForOverwrite(capacity: capacity)
        buffer.empty()
        return buffer
    }

    /// An array with room for at least `capacity` bytes, holding whatever it held: the last
    /// kept buffer if it has the room, else a new one (the kept one is let go: growing it would
    /// be an allocation too, and a copy). Never less than ``minimumCapacity``: one stash serves
    /// packets of every size (a 40-byte acknowledgement's buffer next holds a 300-byte
    /// snapshot's plaintext). For a writer that replaces the whole contents in one call (an
    /// opened packet's plaintext): emptying the buffer first cost it some 100 instructions.
    package mutating func takeForOverwrite(capacity: Int) -> [UInt8] {
        let capacity = max(capacity, Self.minimumCapacity)
        guard let buffer = buffers.popLast(), buffer.capacity >= capacity else { return Self.empty(capacity: capacity) }
        return buffer
    }

    private static func empty(capacity: Int) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(capacity)
        return buffer
    }

    /// The least room a buffer taken here has: a small game's packets (inputs, acknowledgements,
    /// a few positions) fit, so they do not grow their buffers one after another.
    package static let minimumCapacity = 256

    /// The most buffers kept: a tick's or a read burst's packets for a few peers.
    package static let maxBuffers = 16
    /// The largest buffer kept: any packet of the default 1,200-byte MTU, and of one up to
    /// Ethernet's 1,500 (a larger MTU's buffers are freed as before).
    package static let maxBufferCapacity = 1_536
}
