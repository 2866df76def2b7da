import NetplayBase
import NetplayChannels

/// The event loop of one ``ChannelSoak`` run: two endpoints, each sending its own
/// ``SoakStream`` to the other over a ``MemoryNetwork`` in virtual time, so acks ride on data
/// in both directions as they do in a game.
package struct SoakRun {
    private let configuration: ChannelSoak.Configuration
    private var network: MemoryNetwork
    private var endpoints: [ChannelEndpoint]
    /// `streams[i]` is what endpoint `i` sends and endpoint `1 - i` checks.
    private var streams: [SoakStream]
    private let addresses = [PeerAddress.memory(node: 1, port: 1), PeerAddress.memory(node: 2, port: 2)]
    private var now = NetInstant.zero

    package init(_ configuration: ChannelSoak.Configuration) {
        self.configuration = configuration
        network = MemoryNetwork(seed: configuration.seed, defaultImpairment: configuration.impairment)
        var config = configuration.channelConfig
        config.layout = configuration.layout
        endpoints = [ChannelEndpoint(config: config, now: .zero), ChannelEndpoint(config: config, now: .zero)]
        let first = configuration.bidirectional ? (configuration.messageCount + 1) / 2 : configuration.messageCount
        streams = [first, configuration.messageCount - first].enumerated().map { side, count in
            SoakStream(
                kinds: configuration.layout.kinds, messageCount: count,
                seed: configuration.seed &+ UInt64(side), largeMessageEvery: configuration.largeMessageEvery
            )
        }
    }

    package mutating func execute() {
        guard let sockets = try? addresses.map({ address throws(MemoryNetworkError) in try network.bind(address) })
        else {
            streams[0].violation("could not bind the memory network")
            return
        }
        let limit = NetInstant.zero + configuration.virtualTimeLimit
        while now < limit {
            for side in 0..<2 {
                streams[side].feed(&endpoints[side], now: now)
                for payload in endpoints[side].makePayloads(now: now) {
                    network.send(from: addresses[side], to: addresses[1 - side], bytes: payload)
                }
            }
            if isFinished { return }
            let candidates = [network.nextDeliveryTime, endpoints[0].nextWakeup, endpoints[1].nextWakeup].compactMap {
                $0
            }
            let next = max(candidates.min() ?? now + Self.idleStep, now + Self.minimumStep)
            network.advance(to: next)
            now = next
            for side in 0..<2 {
                for datagram in network.receive(on: sockets[side]) { endpoints[side].receive(datagram.bytes, now: now) }
                for message in endpoints[side].drainDelivered() { streams[1 - side].check(message) }
            }
        }
        streams[0].violation("not finished after \(configuration.virtualTimeLimit) of virtual time")
    }

    private var isFinished: Bool {
        (0..<2).allSatisfy { side in
            streams[side].allEnqueued && !endpoints[side].hasUnackedReliableData
                && endpoints[side].statistics.queues.allSatisfy { $0.messages == 0 }
        }
    }

    package mutating func report() -> ChannelSoak.Report {
        var counts: [ChannelKind: ChannelSoak.KindCounts] = [:]
        var violations: [String] = []
        var violationCount = 0
        for side in 0..<2 {
            streams[side].checkCompleteness()
            for (kind, part) in streams[side].counts {
                var total = counts[kind, default: .init()]
                total.sent += part.sent
                total.delivered += part.delivered
                total.duplicated += part.duplicated
                total.outOfOrder += part.outOfOrder
                total.corrupted += part.corrupted
                counts[kind] = total
            }
            violations += streams[side].violations
            violationCount += streams[side].violationCount
        }
        return ChannelSoak.Report(
            counts: counts, violations: Array(violations.prefix(SoakStream.maxViolationsKept)),
            violationCount: violationCount,
            virtualDuration: now - .zero,
            senderStatistics: endpoints[0].statistics, receiverStatistics: endpoints[1].statistics
        )
    }

    /// The loop's time resolution: deliveries within a millisecond are handled together, as
    /// a game polling at 1 kHz would.
    static let minimumStep = Duration.milliseconds(1)
    static let idleStep = Duration.milliseconds(10)
}
