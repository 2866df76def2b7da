import NetplayBase

@testable import Netplay

/// The core's tick and flush with the messages given as a list: the core takes them `inout`
/// (it moves each message's bytes on to its channel; the session hands over the list it
/// owns and empties it after), a test writes them out where it calls.
extension NetCore {
    mutating func tick(
        now: NetInstant, messages: [OutboundMessage], kicks: [OutboundKick] = [],
        holdingAcknowledgements: Bool = false
    ) {
        var messages = messages
        tick(now: now, messages: &messages, kicks: kicks, holdingAcknowledgements: holdingAcknowledgements)
    }

    mutating func flushSends(now: NetInstant, messages: [OutboundMessage]) -> NetInstant? {
        var messages = messages
        return flushSends(now: now, messages: &messages)
    }
}
