@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

/// Two channel endpoints joined by a ``MemoryNetwork`` in virtual time: `a` and `b`, each
/// direction with its own impairment. ``run(until:)`` drives both like a game polling at
/// every event (at least a millisecond apart).
struct ChannelPair {
    var network: MemoryNetwork
    var a: ChannelEndpoint
    var b: ChannelEndpoint
    var now = NetInstant.zero
    /// Everything `b` received, when ``collectAtB`` is on.
    var deliveredAtB: [DeliveredMessage] = []
    var collectAtB = true
    /// Payload bytes that reached `b`, by arrival time.
    var arrivalsAtB: [(at: NetInstant, bytes: Int)] = []
    /// Payloads with entries (not ack-only) that `a` handed to the network.
    var dataPayloadsFromA = 0
    /// Ack-only payloads each end handed to the network.
    var ackOnlyPayloadsFromA = 0
    var ackOnlyPayloadsFromB = 0
    /// When set, `b` sends (data and acks) only on its own frame clock, this far apart, like a
    /// game that runs its network tick once a frame: it holds every ack up to a frame, and
    /// holds none of its own on top (as a session in game-thread mode does). Set it before
    /// any traffic: `b` starts afresh.
    var frameIntervalOfB: Duration? {
        didSet {
            guard frameIntervalOfB != nil else { return }
            var config = b.config
            config.ackHold = .zero
            b = ChannelEndpoint(config: config, now: now)
        }
    }
    private var nextFrameOfB = NetInstant.zero
    let addressA = PeerAddress.memory(node: 1, port: 1)
    let addressB = PeerAddress.memory(node: 2, port: 2)
    private let socketA: MemorySocket
    private let socketB: MemorySocket

    init(config: ChannelConfig = ChannelConfig(), aToB: LinkImpairment, bToA: LinkImpairment? = nil, seed: UInt64 = 7) {
        network = MemoryNetwork(seed: seed)
        socketA = try! network.bind(PeerAddress.memory(node: 1, port: 1))
        socketB = try! network.bind(PeerAddress.memory(node: 2, port: 2))
        network.setImpairment(from: addressA, to: addressB, aToB)
        network.setImpairment(from: addressB, to: addressA, bToA ?? aToB)
        a = ChannelEndpoint(config: config, now: .zero)
        b = ChannelEndpoint(config: config, now: .zero)
    }

    /// One step: both endpoints send, time moves to the next event (or to `alsoAt`, if that
    /// comes first: a caller's own schedule), arrivals are handed over.
    mutating func step(alsoAt: NetInstant? = nil) {
        for payload in a.makePayloads(now: now) {
            if payload.count > PayloadHeader.byteCount { dataPayloadsFromA += 1 } else { ackOnlyPayloadsFromA += 1 }
            network.send(from: addressA, to: addressB, bytes: payload)
        }
        var wakeupOfB = b.nextWakeup
        if let frame = frameIntervalOfB {
            if now >= nextFrameOfB {
                for payload in b.makePayloads(now: now) { sendFromB(payload) }
                while nextFrameOfB <= now { nextFrameOfB = nextFrameOfB + frame }
            }
            wakeupOfB = nextFrameOfB
        } else {
            for payload in b.makePayloads(now: now) { sendFromB(payload) }
        }
        let candidates = [network.nextDeliveryTime, a.nextWakeup, wakeupOfB, alsoAt].compactMap { $0 }
        let next = max(candidates.min() ?? now + .milliseconds(10), now + .milliseconds(1))
        network.advance(to: next)
        now = next
        for datagram in network.receive(on: socketB) {
            arrivalsAtB.append((now, datagram.bytes.count))
            b.receive(datagram.bytes, now: now)
        }
        for datagram in network.receive(on: socketA) { a.receive(datagram.bytes, now: now) }
        if collectAtB { deliveredAtB += b.drainDelivered() }
    }

    private mutating func sendFromB(_ payload: [UInt8]) {
        if payload.count == PayloadHeader.byteCount { ackOnlyPayloadsFromB += 1 }
        network.send(from: addressB, to: addressA, bytes: payload)
    }

    /// Steps until `done` holds or `limit` of virtual time passes; returns whether it held.
    @discardableResult
    mutating func run(for limit: Duration, until done: (inout ChannelPair) -> Bool = { _ in false }) -> Bool {
        let end = now + limit
        while now < end {
            if done(&self) { return true }
            step()
        }
        return done(&self)
    }
}
