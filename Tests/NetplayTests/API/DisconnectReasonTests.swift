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
    /// Every ``DisconnectReason`` reaches the API user, provoked through the API in virtual time.
    @Suite struct DisconnectReasons {
        let net = SimulatedNetwork(seed: 11)
        /// Clients stay referenced for the whole test: a dropped `NetClient` closes itself,
        /// which would free its slot on the host mid-test.
        let clients = ClientKeeper()

        func startHost(
            joinCode: String? = nil, messages: [any NetMessage.Type] = APISetup.messages,
            options: NetOptions = NetOptions()
        ) throws -> NetHost {
            try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, joinCode: joinCode, messages: messages, options: options)
        }

        /// Connects client 0 and waits until the handshake is done; the client is kept alive.
        func connectedClient() throws -> (NetClient, EventLog, NetPeer) {
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            clients.keep(client)
            let log = EventLog(client.poll)
            #expect(net.run(until: { client.isConnected }, limit: .seconds(1)))
            return (client, log, try #require(client.localPeer))
        }

        /// Connects client `index` and returns why it ended (or nil if still connected) after `limit`.
        func refusal(
            index: Int = 0, joinCode: String? = nil, messages: [any NetMessage.Type] = APISetup.messages,
            options: NetOptions = NetOptions(), limit: Duration = .seconds(2)
        ) async throws -> DisconnectReason? {
            let client = try net.connectClient(
                at: APISetup.clientAddress(index), to: APISetup.hostAddress, game: APISetup.game,
                joinCode: joinCode, messages: messages, options: options)
            clients.keep(client)
            net.run(until: { client.session.handshake.value != nil }, limit: limit)
            let log = EventLog(client.poll)
            guard let reason = log.disconnectReason(of: .host) else { return nil }
            // What `NetClient.connect` throws for the same outcome.
            await #expect(throws: NetError.refused(reason)) { try await client.awaitHandshake() }
            return reason
        }

        // Each test keeps its host referenced to the end: a dropped NetHost closes itself.

        @Test func wrongJoinCode() async throws {
            let host = try startHost(joinCode: "BLUE-42")
            #expect(try await refusal(joinCode: "RED-7") == .wrongJoinCode)
            #expect(try await refusal(index: 1, joinCode: "BLUE-42") == nil)
            withExtendedLifetime(host) {}
        }

        @Test func hostFull() async throws {
            var options = NetOptions()
            options.maxPeers = 1
            let host = try startHost(options: options)
            #expect(try await refusal(index: 0, options: options) == nil)
            #expect(try await refusal(index: 1, options: options) == .hostFull)
            withExtendedLifetime(host) {}
        }

        @Test func versionMismatch() async throws {
            let host = try startHost()
            var newer = NetOptions()
            newer.version = 2
            #expect(try await refusal(options: newer) == .versionMismatch(local: 2, remote: 1))
            withExtendedLifetime(host) {}
        }

        @Test func schemaMismatchNamesTheDifferingField() async throws {
            let host = try startHost()
            let reason = try await refusal(messages: [Chat.self, StepWithHeight.self])
            withExtendedLifetime(host) {}
            guard case .schemaMismatch(let difference)? = reason else {
                Issue.record("expected a schema mismatch, got \(String(describing: reason))")
                return
            }
            #expect(difference.contains("here only:  Step.z: Float"))
            #expect(!difference.contains("Chat"))
            #expect(reason?.description.contains("Step.z") == true)
        }

        @Test func hostUnreachableWhenNobodyAnswers() async throws {
            var options = NetOptions()
            options.timeout = .seconds(3)
            let start = net.now
            #expect(try await refusal(options: options, limit: .seconds(4)) == .hostUnreachable)
            #expect(net.now - start <= options.timeout + net.tickInterval)
        }

        @Test func interruptedThenTimedOutOnBothSidesAfterTheResumeGrace() throws {
            let host = try startHost()
            let hostLog = EventLog(host.poll)
            let (_, clientLog, peer) = try connectedClient()
            // Cut the link both ways: each side hears nothing more.
            net.setImpairment(from: APISetup.hostAddress, to: APISetup.clientAddress(0), .init(lossProbability: 1))
            net.setImpairment(from: APISetup.clientAddress(0), to: APISetup.hostAddress, .init(lossProbability: 1))
            let cut = net.now
            let options = NetOptions()
            let bound = options.resumeGrace + options.keepaliveInterval
            #expect(
                net.run(
                    until: {
                        hostLog.disconnectReason(of: peer) != nil && clientLog.disconnectReason(of: .host) != nil
                    },
                    limit: bound))
            #expect(net.now - cut <= bound)
            #expect(net.now - cut >= options.resumeGrace)
            #expect(hostLog.disconnectReason(of: peer) == .timedOut)
            #expect(clientLog.disconnectReason(of: .host) == .timedOut)
            // Each side said "interrupted" first, once, and never "resumed".
            #expect(hostLog.seen.filter { $0 == .interrupted(peer) }.count == 1)
            #expect(clientLog.seen.filter { $0 == .interrupted(.host) }.count == 1)
            #expect(!hostLog.seen.contains(.resumed(peer)) && !clientLog.seen.contains(.resumed(.host)))
        }

        @Test func kickedWithTheHostsReason() throws {
            let host = try startHost()
            let hostLog = EventLog(host.poll)
            let (_, clientLog, peer) = try connectedClient()
            try APITests.expectLastWordsBeforeTheKick(from: host, to: peer, readBy: clientLog, on: net)
            #expect(hostLog.disconnectReason(of: peer) == .closedLocally)
        }

        @Test func hostShutDownReachesEveryClient() async throws {
            let host = try startHost()
            let hostLog = EventLog(host.poll)
            var clientLogs: [EventLog] = []
            for index in 0..<3 {
                let client = try net.connectClient(
                    at: APISetup.clientAddress(index), to: APISetup.hostAddress,
                    game: APISetup.game, messages: APISetup.messages)
                clientLogs.append(EventLog(client.poll))
            }
            #expect(net.run(until: { host.peers.count == 3 }, limit: .seconds(1)))
            let peers = host.peers
            host.session.requestClose()
            #expect(
                net.run(until: { clientLogs.allSatisfy { $0.disconnectReason(of: .host) != nil } }, limit: .seconds(2)))
            for log in clientLogs { #expect(log.disconnectReason(of: .host) == .hostShutDown) }
            for peer in peers { #expect(hostLog.disconnectReason(of: peer) == .closedLocally) }
            #expect(hostLog.seen.last == .disconnected(.host, .closedLocally))
            await host.close()
        }
    }
}
