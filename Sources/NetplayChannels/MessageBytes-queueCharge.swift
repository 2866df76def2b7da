import NetplayWire

/// What a send queue counts a message as against its cap: the session's send buffer and
/// backlog (`NetOptions.maxBufferedSendBytes`) and a channel's queue
/// (``ChannelConfig/maxQueuedBytesPerChannel``).
extension MessageBytes {
    /// The least a send queue charges a message against its cap: what the queue keeps for a
    /// message besides its bytes, a record of 56 to 88 bytes (and a message longer than 40
    /// bytes its own array too), is most of a small message's cost. Charged its bytes alone,
    /// a 16-byte message let a 2 MiB channel queue hold 131,072 of them, 10 MiB of records,
    /// and a stream faster than its link kept that many waiting (its hottest instructions
    /// became loads of the queued messages; with the charge, 2-million-message streams ran
    /// 5.6 and 7.4 % faster). The charge is a bound on what a queue may hold, not an exact
    /// count of its memory.
    @inlinable
    package static var minimumQueueCharge: Int { 64 }

    /// What a send queue charges a message of `byteCount` bytes against its cap: its bytes,
    /// ``minimumQueueCharge`` at least.
    @inlinable
    package static func queueCharge(forByteCount byteCount: Int) -> Int { max(byteCount, minimumQueueCharge) }

    /// ``queueCharge(forByteCount:)`` of these bytes.
    @inlinable
    package var queueCharge: Int { Self.queueCharge(forByteCount: count) }
}
