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

/// Namespace for the API layer's suites, so `swift test --filter API` selects exactly them.
enum APITests {
    /// The host sends `peer` its last words, then kicks it: the client must read the message,
    /// then the kick with its reason (messages queued before a kick leave ahead of it).
    static func expectLastWordsBeforeTheKick(
        from host: NetHost, to peer: NetPeer, readBy clientLog: EventLog, on net: SimulatedNetwork
    ) throws {
        try host.send(Chat(text: "last words"), to: .peer(peer))
        host.kick(peer, reason: "AFK")
        #expect(net.run(until: { clientLog.disconnectReason(of: .host) != nil }, limit: .seconds(1)))
        #expect(
            clientLog.seen.suffix(2) == [
                .chat("last words", from: .host), .disconnected(.host, .kicked(reason: "AFK")),
            ])
    }
}

struct Chat: NetMessage, Equatable { var text: String }
struct Step: NetMessage, Equatable {
    var x: Float
    var y: Float
}
/// A later build's `Step`, with a field the host's build lacks.
struct StepWithHeight: NetMessage {
    static var messageName: String { "Step" }
    var x: Float
    var y: Float
    var z: Float
}

/// A message type no session registers.
struct Unlisted: NetMessage { var value: Int }

extension SimulatedNetwork {
    /// A host and one client connected through this network, with their event logs: the
    /// client's handshake done within `limit`, and the host told of the client.
    func connectedPair(
        options: NetOptions = NetOptions(), messages: [any NetMessage.Type] = APISetup.messages,
        connectingWithin limit: Duration = .seconds(2)
    ) throws -> (NetHost, EventLog, NetClient, EventLog, NetPeer) {
        let host = try startHost(at: APISetup.hostAddress, game: APISetup.game, messages: messages, options: options)
        let client = try connectClient(
            at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game, messages: messages,
            options: options)
        let hostLog = EventLog(host.poll)
        let clientLog = EventLog(client.poll)
        #expect(run(until: { clientLog.contains(.connected(.host)) }, limit: limit))
        let peer = try #require(client.localPeer)
        #expect(run(until: { hostLog.contains(.connected(peer)) }, limit: .seconds(1)))
        return (host, hostLog, client, clientLog, peer)
    }

    /// A host, with its event log, and a client that sends a `Chat` of `text` as it starts
    /// connecting, before its handshake has begun to move.
    func hostAndClientSendingEarly(_ text: String) throws -> (NetHost, EventLog, NetClient) {
        let host = try startHost(at: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
        let hostLog = EventLog(host.poll)
        let client = try connectClient(
            at: APISetup.clientAddress(0), to: APISetup.hostAddress, game: APISetup.game, messages: APISetup.messages)
        try client.send(Chat(text: text))
        return (host, hostLog, client)
    }
}

enum APISetup {
    static let game = "netplay-api-tests"
    static let messages: [any NetMessage.Type] = [Chat.self, Step.self]
    static let hostAddress = PeerAddress.memory(node: 1, port: 7777)

    static func clientAddress(_ index: Int) -> PeerAddress { .memory(node: 100 + UInt64(index), port: 5000) }
}

/// Event shapes tests compare; `NetEvent` itself holds `any NetMessage`, which is not Equatable.
enum SeenEvent: Equatable, CustomStringConvertible {
    case connected(NetPeer)
    case chat(String, from: NetPeer)
    case step(Step, from: NetPeer)
    case otherMessage(from: NetPeer)
    case disconnected(NetPeer, DisconnectReason)
    case interrupted(NetPeer)
    case resumed(NetPeer)
    case hostChanged(to: NetPeer)

    init(_ event: NetEvent) {
        switch event {
        case .connected(let peer): self = .connected(peer)
        case .message(let chat as Chat, let peer): self = .chat(chat.text, from: peer)
        case .message(let move as Step, let peer): self = .step(move, from: peer)
        case .message(_, let peer): self = .otherMessage(from: peer)
        case .disconnected(let peer, let reason): self = .disconnected(peer, reason)
        case .interrupted(let peer): self = .interrupted(peer)
        case .resumed(let peer): self = .resumed(peer)
        case .hostChanged(let peer): self = .hostChanged(to: peer)
        }
    }

    var description: String {
        switch self {
        case .connected(let peer): return "connected(\(peer))"
        case .chat(let text, let peer): return "chat(\(text), from: \(peer))"
        case .step(let move, let peer): return "step(\(move), from: \(peer))"
        case .otherMessage(let peer): return "message(from: \(peer))"
        case .disconnected(let peer, let reason): return "disconnected(\(peer), \(reason))"
        case .interrupted(let peer): return "interrupted(\(peer))"
        case .resumed(let peer): return "resumed(\(peer))"
        case .hostChanged(let peer): return "hostChanged(to: \(peer))"
        }
    }
}

/// Collects what a host or client polls, across many steps.
final class EventLog {
    private(set) var seen: [SeenEvent] = []
    private let poll: () -> [NetEvent]

    init(_ poll: @escaping () -> [NetEvent]) { self.poll = poll }

    /// Polls once and returns everything seen so far.
    @discardableResult
    func update() -> [SeenEvent] {
        seen += poll().map(SeenEvent.init)
        return seen
    }

    func contains(_ event: SeenEvent) -> Bool { update().contains(event) }

    /// The reason of the first `.disconnected(peer, _)`, if any.
    func disconnectReason(of peer: NetPeer) -> DisconnectReason? {
        for case .disconnected(peer, let reason) in update() { return reason }
        return nil
    }
}

/// Holds clients until the test ends.
final class ClientKeeper {
    private var clients: [NetClient] = []
    func keep(_ client: NetClient) { clients.append(client) }
}

/// Polls `condition` in real time, every `interval`, until it holds or `limit` passes; returns
/// whether it held. For tests over real sockets, where nothing can be stepped.
func pollUntil(
    within limit: Duration, every interval: Duration = .milliseconds(10), _ condition: () -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: interval)
    }
    return true
}

extension NetOptions {
    /// Options for tests over real loopback sockets, serviced as asked, with a timeout
    /// generous enough for two busy cores (and suites that may run in parallel on them).
    static func loopbackTest(_ servicing: NetServicing = .networkThread) -> NetOptions {
        var options = NetOptions()
        options.servicing = servicing
        options.timeout = .seconds(15)
        return options
    }
}

extension LANDiscoveryConfig {
    /// LAN discovery kept to 127.0.0.1 on `ports` (each suite its own range, so suites never
    /// hear each other's adverts), refreshed often so tests find games fast.
    static func loopbackTest(ports: Range<UInt16>) -> LANDiscoveryConfig {
        LANDiscoveryConfig(
            ports: ports, bindHost: "127.0.0.1", targets: LANDiscoveryConfig.loopback.targets, paths: [],
            refreshInterval: .milliseconds(100))
    }
}
