@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

/// The seeded generator every protocol test uses, so each run is reproducible.
typealias SeededGenerator = DeterministicRandom

extension ProtocolRandom {
    static func seeded(_ seed: UInt64) -> ProtocolRandom { ProtocolRandom(SeededGenerator(seed: seed)) }
}

/// Settings shared by the protocol tests.
enum TestSetup {
    static let protocolID: UInt32 = 0x4E50_5431  // "NPT1"
    static let hostAddress = PeerAddress.memory(node: 1, port: 7777)
    static let schema = SchemaIdentity(fingerprint: Array(1...16), description: "Move{x:Float,y:Float}")

    static func config(
        joinCode: String? = nil, maxPeers: Int = 16, version: UInt32 = 1,
        schema: SchemaIdentity = TestSetup.schema
    ) -> ProtocolConfig {
        ProtocolConfig(
            protocolID: protocolID, protocolVersion: version, schema: schema, joinCode: joinCode, maxPeers: maxPeers)
    }

    static func clientAddress(_ index: Int) -> PeerAddress {
        .memory(node: 100 + UInt64(index), port: 5000)
    }
}

/// A deterministic in-memory network between one host and some clients, in virtual time.
///
/// Each `step` advances the clock, runs every endpoint's timers, and delivers every queued
/// datagram at once (zero latency), losing each with the configured probability.
struct ProtocolHarness {
    var host: HostEndpoint
    var clients: [ClientEndpoint] = []
    var now = NetInstant.zero
    var clientToHostLoss = 0.0
    var hostToClientLoss = 0.0
    var network: SeededGenerator
    var hostEvents: [HostEvent] = []
    var clientEvents: [[ClientEvent]] = []
    /// Every datagram the host sent, for size and content checks.
    var hostSent: [Datagram] = []
    /// Clients that moved (a new Wi-Fi, a NAT rebinding): where they send from and receive at now.
    var movedClients: [Int: PeerAddress] = [:]
    /// While set, the host is paused (SIGSTOP): it neither runs nor reads; what is sent to it waits.
    var hostPaused = false
    private var waitingForHost: [(bytes: [UInt8], address: PeerAddress)] = []
    /// Every datagram the clients sent, for replay tests.
    var clientSent: [Datagram] = []
    static let stepLength = Duration.milliseconds(10)

    init(host config: ProtocolConfig = TestSetup.config(), seed: UInt64 = 1) {
        host = HostEndpoint(config: config, random: .seeded(seed))
        network = SeededGenerator(seed: seed ^ 0xABCD)
    }

    /// Adds a client (connecting from now on) and returns its index.
    @discardableResult
    mutating func addClient(_ config: ProtocolConfig = TestSetup.config(), seed: UInt64? = nil) -> Int {
        let index = clients.count
        let random = ProtocolRandom.seeded(seed ?? network.next())
        clients.append(ClientEndpoint(config: config, host: TestSetup.hostAddress, now: now, random: random))
        clientEvents.append([])
        return index
    }

    /// Where client `index` sends from now.
    func address(ofClient index: Int) -> PeerAddress { movedClients[index] ?? TestSetup.clientAddress(index) }

    mutating func step(by length: Duration = stepLength) {
        now = now + length
        if !hostPaused {
            // A resumed process reads what its socket held before its first timer runs.
            for datagram in waitingForHost { host.receive(datagram.bytes, from: datagram.address, now: now) }
            waitingForHost = []
            host.update(now: now)
        }
        for index in clients.indices { clients[index].update(now: now) }
        deliver()
    }

    /// Delivers queued datagrams until none are left (bounded: each round only answers the last).
    mutating func deliver() {
        for _ in 0..<8 {
            var moved = false
            for index in clients.indices {
                for datagram in clients[index].drainOutgoing() {
                    moved = true
                    let from = address(ofClient: index)
                    clientSent.append(Datagram(address: from, bytes: datagram.bytes))
                    if network.chance(clientToHostLoss) { continue }
                    if hostPaused {
                        waitingForHost.append((datagram.bytes, from))
                    } else {
                        host.receive(datagram.bytes, from: from, now: now)
                    }
                }
                clientEvents[index] += clients[index].drainEvents()
            }
            for datagram in host.drainOutgoing() {
                moved = true
                hostSent.append(datagram)
                guard let index = clients.indices.first(where: { address(ofClient: $0) == datagram.address })
                else { continue }
                if network.chance(hostToClientLoss) { continue }
                clients[index].receive(datagram.bytes, from: TestSetup.hostAddress, now: now)
            }
            hostEvents += host.drainEvents()
            for index in clients.indices { clientEvents[index] += clients[index].drainEvents() }
            if !moved { return }
        }
    }

    /// Steps until `done` holds or `maxSteps` pass; returns whether it held.
    mutating func run(maxSteps: Int = 2_000, until done: (ProtocolHarness) -> Bool) -> Bool {
        for _ in 0..<maxSteps {
            if done(self) { return true }
            step()
        }
        return done(self)
    }

    /// Steps for `duration` of virtual time.
    mutating func advance(_ duration: Duration) {
        let end = now + duration
        while now < end { step() }
    }

    /// Adds a client and runs until it connects; returns its index and host-side id.
    mutating func connectClient(_ config: ProtocolConfig = TestSetup.config()) -> (index: Int, peer: PeerID)? {
        let index = addClient(config)
        guard run(until: { $0.clients[index].isConnected }), let id = clients[index].peerID else { return nil }
        return (index, id)
    }

    struct ConnectFailed: Error {}

    /// Like `connectClient`, throwing if the client does not get in.
    mutating func connected(_ config: ProtocolConfig = TestSetup.config()) throws -> (index: Int, peer: PeerID) {
        guard let result = connectClient(config) else { throw ConnectFailed() }
        return result
    }

    func clientDisconnectReason(_ index: Int) -> DisconnectReason? {
        for case .disconnected(let reason) in clientEvents[index] { return reason }
        return nil
    }

    func hostDisconnectReason(_ peer: PeerID) -> DisconnectReason? {
        for case .disconnected(let id, let reason) in hostEvents where id == peer { return reason }
        return nil
    }

    func hostPayloads(from peer: PeerID) -> [[UInt8]] {
        hostEvents.compactMap { event in
            if case .payload(let id, let bytes, _) = event, id == peer { return bytes }
            return nil
        }
    }

    func clientPayloads(_ index: Int) -> [[UInt8]] {
        clientEvents[index].compactMap { event in
            if case .payload(let bytes, _) = event { return bytes }
            return nil
        }
    }
}
