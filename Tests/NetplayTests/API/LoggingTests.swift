import Logging
import Synchronization
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayProtocol
@testable import NetplayTesting

/// A log handler that keeps every record, for asserting what a session logged.
final class CapturedLog: Sendable {
    struct Record: Sendable, Equatable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }

    func logger(label: String) -> Logger {
        Logger(label: label) { _ in Handler(log: self) }
    }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.append(
                Record(
                    level: event.level, message: "\(event.message)",
                    metadata: (event.metadata ?? [:]).mapValues { "\($0)" }))
        }
    }
}

extension APITests {
    @Suite struct Logging {
        let net = SimulatedNetwork(seed: 11)

        func options(_ log: CapturedLog, _ label: String) -> NetOptions {
            var options = NetOptions()
            options.logger = log.logger(label: label)
            return options
        }

        @Test func theDefaultLoggerIsSilent() {
            #expect(NetOptions().logger.logLevel == .critical)
        }

        @Test func connectionsAndOrdinaryDisconnectionsAreLoggedAtInfo() async throws {
            let hostLog = CapturedLog()
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages,
                options: options(hostLog, "host"))
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game,
                messages: APISetup.messages)
            #expect(net.run(until: { client.isConnected && !host.peers.isEmpty }, limit: .seconds(2)))
            let peer = try #require(client.localPeer)
            client.session.requestClose()
            #expect(net.run(until: { host.peers.isEmpty }, limit: .seconds(3)))
            _ = host.poll()
            let records = hostLog.all
            #expect(records.contains(.init(level: .info, message: "connected", metadata: ["peer": "host"])))
            #expect(records.contains(.init(level: .info, message: "connected", metadata: ["peer": "\(peer)"])))
            let goodbye = try #require(records.first { $0.message == "disconnected" })
            #expect(goodbye.level == .info)
            #expect(goodbye.metadata["peer"] == "\(peer)")
            #expect(goodbye.metadata["reason"] == "\(DisconnectReason.closedByPeer(reason: nil))")
        }

        @Test func aRefusedHandshakeIsLoggedAtNoticeWithItsReason() throws {
            let clientLog = CapturedLog()
            // Kept to the end: a host dropped without `close()` starts closing on its own.
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, joinCode: "TIGER7", messages: APISetup.messages)
            defer { withExtendedLifetime(host) {} }
            let client = try net.connectClient(
                at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game, joinCode: "WRONG1",
                messages: APISetup.messages, options: options(clientLog, "client"))
            net.run(for: .seconds(2))
            _ = client.poll()
            let refusal = try #require(clientLog.all.first { $0.message == "disconnected" })
            #expect(refusal.level == .notice)
            #expect(refusal.metadata["reason"] == "\(DisconnectReason.wrongJoinCode)")
        }

        @Test func droppedDatagramsAreSummarisedByReasonOncePerInterval() throws {
            let hostLog = CapturedLog()
            let host = try net.startHost(
                at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages,
                options: options(hostLog, "host"))
            defer { withExtendedLifetime(host) {} }
            net.run(for: .milliseconds(10))
            let stranger = SimulatedNetwork.address(999)
            for _ in 0..<3 { net.deliver([0xFF, 1, 2], from: stranger, to: APISetup.hostAddress) }
            net.run(for: NetSession.dropLogInterval * 2)
            let summaries = hostLog.all.filter { $0.message == "dropped datagrams" }
            #expect(summaries.count == 1)
            #expect(summaries.first?.level == .notice)
            #expect(summaries.first?.metadata["new"] == "3")
        }
    }
}
