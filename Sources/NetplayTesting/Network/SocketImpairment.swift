import Netplay
import NetplayLinkConditioner

extension NetHost {
    /// Makes this host's real UDP socket behave like a bad network in one direction (nil: a
    /// clean one again): latency, jitter, loss, duplication, reordering, a bandwidth cap.
    /// Try a game by hand against 150 ms and 5 % loss on one machine, as Valve's
    /// GameNetworkingSockets does with its fake-lag settings.
    public func simulateConditions(_ impairment: LinkImpairment?, on direction: LinkDirection) {
        session.setImpairment(impairment, for: direction)
    }
}

extension NetClient {
    /// Makes this client's real UDP socket behave like a bad network in one direction (nil: a
    /// clean one again). See ``Netplay/NetHost/simulateConditions(_:on:)``.
    public func simulateConditions(_ impairment: LinkImpairment?, on direction: LinkDirection) {
        session.setImpairment(impairment, for: direction)
    }
}
