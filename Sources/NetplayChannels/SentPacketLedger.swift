import NetplayBase

/// A reliable piece a sent packet carried: what to resend if the packet is lost.
package struct PieceReference: Sendable, Hashable {
    package var channel: UInt8
    var messageID: Int64
    var fragment: Int
}

/// Every packet this end sent and has not yet resolved (acknowledged or declared lost), in
/// sequence order, so a 16-bit ack maps to its record in O(1).
package struct SentPacketLedger: Sendable {
    package struct Record: Sendable {
        package var sentAt: NetInstant
        package var bytes: Int
        var pieces: [PieceReference]
        /// Ack-only packets are never acknowledged by the peer, so they are born resolved.
        package var inFlight: Bool
    }

    private var records = Backlog<Record>()
    /// Sequence of `records.first`.
    private var firstSequence: Int64 = 0
    /// Sequence the next packet gets.
    package private(set) var nextSequence: Int64 = 0

    /// Whether another packet may be tracked: the span must stay far below half the 16-bit
    /// space, or an ack could name two records.
    var hasRoom: Bool { records.count < Self.maxTrackedPackets }

    /// Records a sent packet; returns its wire sequence.
    package mutating func record(_ record: Record) -> UInt16 {
        records.append(record)
        defer { nextSequence += 1 }
        dropResolvedPrefix()
        return WrappingSequence.truncate(nextSequence)
    }

    /// The sequence the next ``record(_:)`` will use.
    var upcomingSequence: UInt16 { WrappingSequence.truncate(nextSequence) }

    /// Resolves the packet with wire sequence `sequence` as acknowledged; returns its record
    /// if it was in flight.
    mutating func acknowledge(_ sequence: UInt16) -> Record? {
        let full = WrappingSequence.extend(sequence, near: nextSequence - 1)
        let offset = full - firstSequence
        guard offset >= 0, offset < Int64(records.count), records[Int(offset)].inFlight else { return nil }
        let record = records[Int(offset)]
        records[Int(offset)].inFlight = false
        records[Int(offset)].pieces = []
        dropResolvedPrefix()
        return record
    }

    /// The oldest packet still in flight, which times out first.
    var oldestInFlight: Record? { records.first.flatMap { $0.inFlight ? $0 : nil } }

    /// Declares the oldest in-flight packet lost and returns it.
    mutating func declareOldestLost() -> Record? {
        guard let oldest = oldestInFlight else { return nil }
        records[0].inFlight = false
        dropResolvedPrefix()
        return oldest
    }

    private mutating func dropResolvedPrefix() {
        while let first = records.first, !first.inFlight {
            records.popFirst()
            firstSequence += 1
        }
    }

    /// 8,192 packets: a quarter of the sequence space, and over ten seconds of full-size
    /// payloads at 10 Mbit/s — beyond what any loss timeout leaves in flight.
    static let maxTrackedPackets = 8192
}
