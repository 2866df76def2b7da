@testable import NetplayBase
@testable import NetplayChannels

/// An entry with the payload that carries it, for tests that hand a receive channel one
/// entry at a time: here the payload is the entry's bytes alone.
struct CarriedEntry {
    var entry: ChannelEntry
    var payload: [UInt8]

    init(channel: UInt8, messageID: UInt16, fragment: ChannelEntry.Fragment?, bytes: [UInt8]) {
        entry = ChannelEntry(channel: channel, messageID: messageID, fragment: fragment, range: bytes.indices)
        payload = bytes
    }

    var messageID: UInt16 { entry.messageID }
    var fragment: ChannelEntry.Fragment? { entry.fragment }
}

/// What an unreliable channel did with one entry, with a delivered message's bytes, for tests
/// to compare.
enum CarriedOutcome: Equatable {
    case delivered(ArraySlice<UInt8>)
    case buffered
    case stale
    case refused
}

extension UnreliableReceiveChannel {
    mutating func receive(_ carried: CarriedEntry, limit: Int, now: NetInstant) -> (outcome: CarriedOutcome, delta: Int)
    {
        var released: [DeliveredMessage] = []
        let (outcome, delta) = receive(
            carried.entry, in: carried.payload, limit: limit, now: now, channel: ChannelID(0), released: &released)
        switch outcome {
        case .delivered(let byteCount):
            precondition(released.count == 1 && released[0].bytes.count == byteCount, "one message, as counted")
            return (.delivered(released[0].bytes), delta)
        case .buffered: return (.buffered, delta)
        case .stale: return (.stale, delta)
        case .refused: return (.refused, delta)
        }
    }
}

extension ReliableReceiveChannel {
    mutating func assess(_ carried: CarriedEntry) -> Assessment { assess(carried.entry) }

    mutating func insert(
        _ carried: CarriedEntry, full: Int64, limit: Int, now: NetInstant, channel: ChannelID,
        released: inout [DeliveredMessage]
    ) -> (delta: Int, refused: Bool) {
        insert(
            carried.entry, in: carried.payload, full: full, limit: limit, now: now, channel: channel,
            released: &released)
    }
}
