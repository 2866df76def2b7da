import NetplayBase

@testable import Netplay

/// The core's tick and flush with the messages given as a list: the core takes them `inout`
/// (it reads each in place; the session hands over the list it owns), a test writes them
/// out where it calls.
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
