import Dispatch
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

extension APITests {
    /// `send` from many threads at once: safe, nothing lost or reordered per sender, and
    /// batched — the network side takes one flush per tick, not one hop per message.
    @Suite struct ConcurrentSend {
        static let senders = 8
        static let messagesPerSender = 250
        static var total: Int { senders * messagesPerSender }

        let net = SimulatedNetwork(seed: 3)

        func connected() throws -> (NetHost, EventLog, NetClient) {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            #expect(net.run(until: { client.isConnected && host.peers.count == 1 }, limit: .seconds(1)))
            return (host, EventLog(host.poll), client)
        }

        /// Every sender's messages arrived exactly once and in the order it sent them.
        func expectAllInOrder(_ log: EventLog) {
            var next = [Int](repeating: 0, count: Self.senders)
            var count = 0
            for case .chat(let text, _) in log.update() {
                let parts = text.split(separator: "-").compactMap { Int($0) }
                guard parts.count == 2 else { continue }
                #expect(parts[1] == next[parts[0]], "sender \(parts[0]) out of order")
                next[parts[0]] = parts[1] + 1
                count += 1
            }
            #expect(count == Self.total)
        }

        static func sendAll(from client: NetClient) {
            DispatchQueue.concurrentPerform(iterations: senders) { sender in
                for index in 0..<messagesPerSender {
                    do { try client.send(Chat(text: "\(sender)-\(index)")) } catch {
                        Issue.record("send failed: \(error)")
                    }
                }
            }
        }

        @Test func sendsFromManyThreadsLeaveInOneFlush() throws {
            let (_, hostLog, client) = try connected()
            let before = client.session.statistics
            Self.sendAll(from: client)
            let queued = client.session.statistics
            // Sending did no network work at all: no flush, no datagram batch.
            #expect(queued.messagesQueued - before.messagesQueued == Self.total)
            #expect(queued.flushes == before.flushes)
            #expect(queued.transportBatches == before.transportBatches)
            net.run(for: net.tickInterval)
            let flushed = client.session.statistics
            #expect(flushed.flushes - before.flushes == 1)
            #expect(flushed.transportBatches - before.transportBatches == 1)
            #expect(net.run(until: { hostLog.update().count >= 2 + Self.total }, limit: .seconds(1)))
            expectAllInOrder(hostLog)
        }

        @Test func sendsRacingTheNetworkThreadLoseNothing() throws {
            let (_, hostLog, client) = try connected()
            let done = Latch<Void>()
            let network = net
            let networkThread = DispatchGroup()
            // The "network thread": ticks in virtual time while the senders run.
            DispatchQueue.global().async(group: networkThread) {
                let maxSteps = 100_000
                for _ in 0..<maxSteps where done.value == nil { network.run(for: network.tickInterval) }
            }
            Self.sendAll(from: client)
            done.set(())
            // One driver at a time from here, as with a real event loop.
            networkThread.wait()
            #expect(net.run(until: { hostLog.update().count >= 2 + Self.total }, limit: .seconds(1)))
            expectAllInOrder(hostLog)
            let statistics = client.session.statistics
            #expect(statistics.transportBatches <= statistics.ticks)
            #expect(statistics.flushes <= statistics.ticks)
        }
    }
}
