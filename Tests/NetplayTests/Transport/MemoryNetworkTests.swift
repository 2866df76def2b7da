import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension TransportTests {
    @Suite("MemoryNetwork")
    struct MemoryNetworkTests {
        static let host = PeerAddress.memory(node: 1, port: 7777)
        static let client = PeerAddress.memory(node: 2, port: 50_000)
        static let other = PeerAddress.memory(node: 3, port: 50_000)

        struct Arrival: Hashable {
            var at: NetInstant
            var on: PeerAddress
            var datagram: ReceivedDatagram
        }

        /// Three endpoints chatter for two virtual seconds over `.terrible` links; returns every
        /// arrival with its time.
        static func chatter(seed: UInt64) throws -> [Arrival] {
            var network = MemoryNetwork(seed: seed, defaultImpairment: .terrible)
            let sockets = try [host, client, other].map { try network.bind($0) }
            var arrivals: [Arrival] = []
            let tick = Duration.milliseconds(16)
            for frame in 0..<125 {
                for (index, socket) in sockets.enumerated() {
                    let target = sockets[(index + 1) % sockets.count].address
                    network.send(from: socket.address, to: target, bytes: [UInt8(frame), UInt8(index)])
                }
                let frameEnd = network.now + tick
                while let next = network.nextDeliveryTime, next <= frameEnd {
                    network.advance(to: next)
                    for socket in sockets {
                        arrivals += network.receive(on: socket).map {
                            Arrival(at: network.now, on: socket.address, datagram: $0)
                        }
                    }
                }
                network.advance(to: frameEnd)
            }
            return arrivals
        }

        @Test func deliveryOrderAndTimingAreDeterministicFromTheSeed() throws {
            let first = try Self.chatter(seed: 2024)
            #expect(first == (try Self.chatter(seed: 2024)))
            #expect(first != (try Self.chatter(seed: 2025)))
            #expect(first.count > 200)
        }

        @Test func equalArrivalTimesKeepSendingOrder() throws {
            var network = MemoryNetwork(seed: 1, defaultImpairment: LinkImpairment(latency: .milliseconds(10)))
            let host = try network.bind(Self.host)
            for value in UInt8(0)..<50 {
                network.send(from: value.isMultiple(of: 2) ? Self.client : Self.other, to: host.address, bytes: [value])
            }
            network.advance(by: .milliseconds(9))
            #expect(network.receive(on: host).isEmpty)
            #expect(network.nextDeliveryTime == NetInstant.zero + .milliseconds(10))
            network.advance(by: .milliseconds(1))
            #expect(network.receive(on: host).map(\.bytes) == (UInt8(0)..<50).map { [$0] })
            #expect(network.nextDeliveryTime == nil)
        }

        @Test func impairmentIsPerDirection() throws {
            var network = MemoryNetwork(seed: 5)
            let host = try network.bind(Self.host)
            let client = try network.bind(Self.client)
            network.setImpairment(from: Self.client, to: Self.host, LinkImpairment(latency: .milliseconds(30)))
            network.setImpairment(from: Self.host, to: Self.client, LinkImpairment(latency: .milliseconds(10)))
            network.send(from: Self.client, to: Self.host, bytes: [1])
            network.send(from: Self.host, to: Self.client, bytes: [2])

            network.advance(to: network.nextDeliveryTime!)
            #expect(network.now == NetInstant.zero + .milliseconds(10))
            #expect(network.receive(on: client) == [ReceivedDatagram(from: Self.host, bytes: [2])])
            #expect(network.receive(on: host).isEmpty)

            network.advance(to: network.nextDeliveryTime!)
            #expect(network.now == NetInstant.zero + .milliseconds(30))
            #expect(network.receive(on: host) == [ReceivedDatagram(from: Self.client, bytes: [1])])
            #expect(network.impairment(from: Self.other, to: Self.host) == .perfect)
        }

        @Test func settingsChangedMidRunApplyToLaterDatagramsOnly() throws {
            var network = MemoryNetwork(seed: 9, defaultImpairment: LinkImpairment(latency: .milliseconds(50)))
            let host = try network.bind(Self.host)
            network.send(from: Self.client, to: Self.host, bytes: [1])
            network.setImpairment(from: Self.client, to: Self.host, LinkImpairment(lossProbability: 1))
            network.send(from: Self.client, to: Self.host, bytes: [2])
            network.advance(by: .milliseconds(100))
            // The first datagram was already in flight and keeps its schedule; the second is lost.
            #expect(network.receive(on: host).map(\.bytes) == [[1]])
            #expect(network.linkCounters(from: Self.client, to: Self.host).droppedByLoss == 1)

            // Back to the default, and the default itself changed meanwhile.
            network.setImpairment(from: Self.client, to: Self.host, nil)
            network.defaultImpairment = LinkImpairment(latency: .milliseconds(5))
            network.send(from: Self.client, to: Self.host, bytes: [3])
            #expect(network.nextDeliveryTime == network.now + .milliseconds(5))
            network.advance(by: .milliseconds(5))
            #expect(network.receive(on: host).map(\.bytes) == [[3]])
        }

        @Test func datagramsToUnboundAddressesVanishAndAreCounted() throws {
            var network = MemoryNetwork(seed: 3)
            let host = try network.bind(Self.host)
            network.send(from: Self.host, to: Self.client, bytes: [1])
            network.send(from: Self.client, to: Self.host, bytes: [2])
            network.close(host)
            network.advance(by: .milliseconds(1))
            #expect(network.counters.droppedUnbound == 2)
            #expect(network.counters.delivered == 0)
            #expect(network.receive(on: host).isEmpty)
        }

        @Test func bindingTwiceIsRefusedAndTimeNeverRunsBackwards() throws {
            var network = MemoryNetwork(seed: 3)
            _ = try network.bind(Self.host)
            #expect(throws: MemoryNetworkError.addressInUse(Self.host)) { try network.bind(Self.host) }
            network.advance(to: .seconds(2))
            network.advance(to: .seconds(1))
            #expect(network.now == .seconds(2))
        }

        @Test func fullInboxDropsArrivalsAndCountsThem() throws {
            var network = MemoryNetwork(seed: 3, inboxCapacity: 10)
            let host = try network.bind(Self.host)
            for value in UInt8(0)..<15 { network.send(from: Self.client, to: Self.host, bytes: [value]) }
            network.advance(by: .zero)
            #expect(network.receive(on: host).count == 10)
            #expect(network.counters.droppedInboxFull == 5)
        }
    }
}
