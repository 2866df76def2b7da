import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayTesting

extension APITests {
    /// Players who drop come back (issue 16), through the API in virtual time: what a game sees
    /// (`.interrupted`, `.resumed`) and what it gets (every reliable message sent during the
    /// outage, once and in order, soon after the link returns).
    @Suite struct Resume {
        let net = SimulatedNetwork(seed: 16)
        let clients = ClientKeeper()

        /// Host and one connected client, with their event logs.
        func session() throws -> (
            host: NetHost, hostLog: EventLog, client: NetClient, clientLog: EventLog, peer: NetPeer
        ) {
            let host = try net.startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
            let hostLog = EventLog(host.poll)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            clients.keep(client)
            let clientLog = EventLog(client.poll)
            #expect(net.run(until: { client.isConnected }, limit: .seconds(1)))
            return (host, hostLog, client, clientLog, try #require(client.localPeer))
        }

        func cut(_ down: Bool) {
            let impairment: LinkImpairment? = down ? LinkImpairment(lossProbability: 1) : nil
            net.setImpairment(from: APISetup.hostAddress, to: APISetup.clientAddress(0), impairment)
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, impairment)
        }

        static func chats(_ log: EventLog, from peer: NetPeer) -> [String] {
            log.update().compactMap { if case .chat(let text, peer) = $0 { text } else { nil } }
        }

        @Test(arguments: [0.5, 10, 25])
        func reliableMessagesSentDuringAnOutageArriveOnceInOrderSoonAfter(seconds: Double) throws {
            let (host, hostLog, client, clientLog, peer) = try session()
            cut(true)
            // Both sides keep playing: a reliable message every 100 ms through the outage.
            let outage = Duration.milliseconds(Int(seconds * 1000))
            let sends = Int(seconds * 10)
            for index in 0..<sends {
                try client.send(Chat(text: "c\(index)"), on: .reliableOrdered)
                try host.send(Chat(text: "h\(index)"), on: .reliableOrdered, to: .peer(peer))
                net.run(for: outage / sends)
            }
            cut(false)
            let back = net.elapsed
            let expectedAtHost = (0..<sends).map { "c\($0)" }
            let expectedAtClient = (0..<sends).map { "h\($0)" }
            #expect(
                net.run(
                    until: {
                        Self.chats(hostLog, from: peer) == expectedAtHost
                            && Self.chats(clientLog, from: .host) == expectedAtClient
                    }, limit: .seconds(5)))
            let recovery = net.elapsed - back
            print("resume after a \(seconds) s outage: all \(sends) reliable messages each way in \(recovery)")
            #expect(recovery <= .seconds(1), "play resumes within 1 s of the link returning")
            net.run(for: .seconds(1))
            #expect(Self.chats(hostLog, from: peer) == expectedAtHost, "exactly once, in order")
            #expect(Self.chats(clientLog, from: .host) == expectedAtClient, "exactly once, in order")
            let interrupted = seconds >= 1
            #expect(hostLog.update().filter { $0 == .interrupted(peer) }.count == (interrupted ? 1 : 0))
            #expect(hostLog.update().filter { $0 == .resumed(peer) }.count == (interrupted ? 1 : 0))
            #expect(clientLog.update().filter { $0 == .interrupted(.host) }.count == (interrupted ? 1 : 0))
            #expect(clientLog.update().filter { $0 == .resumed(.host) }.count == (interrupted ? 1 : 0))
            #expect(hostLog.disconnectReason(of: peer) == nil && clientLog.disconnectReason(of: .host) == nil)
            #expect(client.localPeer == peer, "same seat, same id")
        }

        @Test func anOutagePastTheGraceEndsTheSessionAsTimedOut() throws {
            var options = NetOptions()
            options.resumeGrace = .seconds(5)
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages, options: options)
            let hostLog = EventLog(host.poll)
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages, options: options)
            clients.keep(client)
            let clientLog = EventLog(client.poll)
            #expect(net.run(until: { client.isConnected }, limit: .seconds(1)))
            let peer = try #require(client.localPeer)
            cut(true)
            let start = net.elapsed
            #expect(
                net.run(
                    until: {
                        hostLog.disconnectReason(of: peer) != nil && clientLog.disconnectReason(of: .host) != nil
                    }, limit: .seconds(6)))
            #expect(net.elapsed - start >= .seconds(5))
            #expect(hostLog.disconnectReason(of: peer) == .timedOut)
            #expect(clientLog.disconnectReason(of: .host) == .timedOut)
            #expect(hostLog.seen.contains(.interrupted(peer)) && clientLog.seen.contains(.interrupted(.host)))
        }
    }
}
