/// Limits and policies of a ``ChannelEndpoint``. Both ends of a connection must agree on
/// ``layout`` and ``maxPayloadBytes``; every other value is local.
package struct ChannelConfig: Sendable, Hashable {
    /// The channels and their kinds.
    package var layout: ChannelLayout = .standard
    /// Most bytes one payload handed to the connection may hold. 1172 is what a connection
    /// payload carries at an MTU of 1200 (see `ProtocolConfig`). Values below
    /// ``minimumPayloadBytes`` are raised to it, values above ``maximumPayloadBytes`` lowered.
    package var maxPayloadBytes: Int = 1172
    /// Largest reliable message ``ChannelEndpoint/enqueue(_:on:now:)`` accepts; larger ones
    /// are fragmented on the wire and reassembled. Also caps what a peer may make this end
    /// reassemble.
    package var maxReliableMessageBytes: Int = 1 << 20
    /// Largest unreliable message. Every fragment must arrive for the message to arrive, so
    /// at 10 % loss a 16 KiB message (15 fragments) gets through only 20 % of the time: keep
    /// unreliable messages small.
    package var maxUnreliableMessageBytes: Int = 16 << 10
    /// Most message bytes a channel holds for sending — queued plus sent but not yet
    /// acknowledged, each message counted as 64 bytes at least (what the queue keeps for it
    /// besides its bytes: ``MessageBytes/minimumQueueCharge``). Enqueueing beyond it throws
    /// ``ChannelSendError/queueFull(_:)``. The default holds two maximum reliable messages,
    /// or 32,768 small ones.
    package var maxQueuedBytesPerChannel: Int = 2 << 20
    /// Most bytes this end holds on behalf of its peer: reliable messages waiting for an
    /// earlier one, partial reassemblies (and their bookkeeping) and delivered messages not
    /// yet drained. Beyond it, packets carrying new reliable data are refused unacknowledged,
    /// so a receiver that stops draining makes the sender's queue fill up instead of this
    /// end's memory.
    package var maxReceiveBufferBytes: Int = 8 << 20
    /// Optional send-rate cap in bits per second of payload bytes (connection overhead not
    /// included); the endpoint paces its payloads to stay under it.
    var bandwidthCap: Int?
    /// How long the first acknowledgement of a packet may wait for a payload going out anyway
    /// before it leaves in one of its own (unless a second such packet, a fourth packet of any
    /// kind or one out of order makes it due at once). 15 ms: under a 60 Hz frame, so data
    /// sent once a frame carries most of a peer's acks, and inside the 25 ms the peer allows.
    /// Zero where the driver already holds acks for the game's reply
    /// (`NetServicing.gameThread`: until its `flush`).
    package var ackHold: Duration = .milliseconds(15)
    /// The same hold for a packet with only unreliable entries, whose ack nothing resends
    /// for: 40 ms, longer than the 33 ms between a 30 Hz game's snapshots, so a host's
    /// snapshots carry its acks of the clients' 60 Hz inputs, and inside the 65 ms the peer
    /// allows (docs/PROTOCOL.md §5). Kept in game-thread mode too: there the driver's
    /// `flush` would otherwise send an ack-only datagram every frame without a snapshot, and
    /// the 65 ms leave 25 ms for the game's next service after the hold runs out.
    package var relaxedAckHold: Duration = .milliseconds(40)

    /// Creates the default configuration.
    package init() {}

    /// The smallest payload that still carries a header, a fragment header and some data.
    static let minimumPayloadBytes = 64
    /// The largest payload: 255 of them carry at most 52,785 reliable entries (six bytes each
    /// at least), which keeps a reliable message number unambiguous with the reliable window
    /// (see ``ReliableReceiveChannel/window``). A larger MTU leaves the rest of the datagram
    /// unused. Chosen when entries could be empty (five bytes, and a window of 1,024), it was
    /// then the largest that held; with six-byte entries some 1,360 bytes would still hold, and
    /// nothing is gained by more.
    package static let maximumPayloadBytes = 1255
}
