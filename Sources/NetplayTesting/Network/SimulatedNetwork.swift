import NIOConcurrencyHelpers
import Netplay
import NetplayBase
import NetplayLinkConditioner
import NetplayProtocol
import NetplayWire

/// Hosts and clients on a ``MemoryNetwork`` in virtual time: the same ``NetSession`` code
/// the UDP driver runs, with time moved by ``run(for:)`` instead of a clock, deterministic
/// from a seed (network impairments and every endpoint's randomness alike).
///
/// A game's own tests use it to run their real networking code, host and clients, against a
/// bad network, without sockets and without waiting:
///
/// ```swift
/// let network = SimulatedNetwork(seed: 1, impairment: LinkImpairment(latency: .milliseconds(40)))
/// let host = try network.startHost(at: SimulatedNetwork.address(0), game: "mygame", messages: messages)
/// let client = try network.connectClient(
///     at: SimulatedNetwork.address(1), to: SimulatedNetwork.address(0), game: "mygame", messages: messages)
/// network.run(until: { client.isConnected }, limit: .seconds(2))
/// ```
public final class SimulatedNetwork: Sendable {
    private struct Node: Sendable {
        var socket: MemorySocket
        var session: NetSession
    }

    private struct State: Sendable {
        var network: MemoryNetwork
        var nodes: [Node] = []
        var nextSeed: UInt64
    }

    private let state: NIOLockedValueBox<State>
    /// How often each session ticks, like the UDP driver's repeating task.
    public let tickInterval: Duration

    /// A network whose links all have `impairment`, deterministic from `seed`.
    public init(seed: UInt64, impairment: LinkImpairment = .perfect, tickInterval: Duration = .milliseconds(5)) {
        state = NIOLockedValueBox(
            State(network: MemoryNetwork(seed: seed, defaultImpairment: impairment), nextSeed: seed))
        self.tickInterval = tickInterval
    }

    /// The current virtual time.
    package var now: NetInstant { state.withLockedValue { $0.network.now } }

    /// Virtual time since the network was made.
    public var elapsed: Duration { .nanoseconds(now.nanoseconds) }

    /// The address of simulated machine number `node`, at `port`.
    public static func address(_ node: UInt64, port: UInt16 = 7777) -> PeerAddress {
        .memory(node: node, port: port)
    }

    /// Delivers `bytes` to `destination` as if `source` had sent them: what a stranger on the
    /// network could send, for testing how a game's host copes with garbage or replays.
    public func deliver(_ bytes: [UInt8], from source: PeerAddress, to destination: PeerAddress) {
        state.withLockedValue { $0.network.send(from: source, to: destination, bytes: bytes) }
    }

    /// Starts a host at `address`. Its first tick runs with the next ``run(for:)``.
    public func startHost(
        at address: PeerAddress, game: String, joinCode: String? = nil, messages: [any NetMessage.Type],
        options: NetOptions = NetOptions()
    ) throws -> NetHost {
        let registry = MessageRegistry(messages)
        let config = options.protocolConfig(game: game, joinCode: joinCode, registry: registry)
        let endpoint = HostEndpoint(config: config, random: nextRandom())
        let session = NetSession(core: NetCore(host: endpoint, registry: registry, options: options), options: options)
        try attach(session, at: address)
        return NetHost(session: session, localAddress: address, advertiser: nil)
    }

    /// Starts a client at `address` connecting to `host`; it is connected once its first
    /// event, `.connected(.host)`, is polled (or its `awaitHandshake()` returns).
    public func connectClient(
        at address: PeerAddress, to host: PeerAddress, game: String, joinCode: String? = nil,
        messages: [any NetMessage.Type], options: NetOptions = NetOptions()
    ) throws -> NetClient {
        let registry = MessageRegistry(messages)
        let config = options.protocolConfig(game: game, joinCode: joinCode, registry: registry)
        return try connectClient(at: address, to: host, config: config, registry: registry, options: options)
    }

    /// Starts a client with a protocol configuration of the test's making (a forged rejoin).
    package func connectClient(
        at address: PeerAddress, to host: PeerAddress, config: ProtocolConfig, registry: MessageRegistry,
        options: NetOptions
    ) throws -> NetClient {
        let endpoint = ClientEndpoint(config: config, host: host, now: now, random: nextRandom())
        let session = NetSession(
            core: NetCore(client: endpoint, registry: registry, options: options), options: options)
        try attach(session, at: address)
        return NetClient(session: session, hostAddress: host, localAddress: address)
    }

    /// Moves virtual time forward by `duration` in steps of ``tickInterval``: each step
    /// delivers the datagrams due, then ticks every session. Like an event loop, it must be
    /// driven from one thread at a time (games may `send` from any thread meanwhile).
    public func run(for duration: Duration) {
        let end = now + duration
        while now < end {
            let stepEnd = min(now + tickInterval, end)
            let (arrivals, stepNow) = state.withLockedValue { state in
                state.network.advance(to: stepEnd)
                let arrivals = state.nodes.map { node in (node.session, state.network.receive(on: node.socket)) }
                return (arrivals, state.network.now)
            }
            // Outside the lock: ticking sends, and sending takes the lock.
            for (session, datagrams) in arrivals {
                for datagram in datagrams { session.receive(datagram.bytes, from: datagram.from, now: stepNow) }
            }
            for (session, _) in arrivals { session.tick(now: stepNow) }
        }
    }

    /// Runs until `condition` holds or `limit` passes; returns whether it held.
    @discardableResult
    public func run(until condition: () -> Bool, limit: Duration) -> Bool {
        let end = now + limit
        while !condition() {
            guard now < end else { return false }
            run(for: tickInterval)
        }
        return true
    }

    /// Sets the conditions on the link from `source` to `destination` (nil: the default).
    public func setImpairment(from source: PeerAddress, to destination: PeerAddress, _ impairment: LinkImpairment?) {
        state.withLockedValue { $0.network.setImpairment(from: source, to: destination, impairment) }
    }

    /// Removes the node at `address` at once, as if its machine lost power: no goodbye, no
    /// more ticks, and datagrams to it vanish.
    public func crash(_ address: PeerAddress) {
        detach(address)
    }

    fileprivate func send(_ datagrams: [Datagram], from source: PeerAddress) {
        state.withLockedValue { state in
            for datagram in datagrams { state.network.send(from: source, to: datagram.address, bytes: datagram.bytes) }
        }
    }

    fileprivate func detach(_ address: PeerAddress) {
        state.withLockedValue { state in
            guard let index = state.nodes.firstIndex(where: { $0.socket.address == address }) else { return }
            state.network.close(state.nodes[index].socket)
            state.nodes.remove(at: index)
        }
    }

    private func attach(_ session: NetSession, at address: PeerAddress) throws {
        let socket = try state.withLockedValue { state in try state.network.bind(address) }
        session.attach(SimulatedTransport(address: address, network: self))
        state.withLockedValue { $0.nodes.append(Node(socket: socket, session: session)) }
    }

    private func nextRandom() -> ProtocolRandom {
        state.withLockedValue { state in
            ProtocolRandom(DeterministicRandom(seed: DeterministicRandom.splitMix64(&state.nextSeed)))
        }
    }
}

/// One node's view of a ``SimulatedNetwork``.
private struct SimulatedTransport: DatagramTransport {
    let address: PeerAddress
    let network: SimulatedNetwork

    func send(_ datagrams: [Datagram]) { network.send(datagrams, from: address) }
    /// Virtual time moves only when the test says so; the next tick flushes.
    func runSoon(_ work: @escaping @Sendable (NetInstant) -> Void) {}
    func close() async { network.detach(address) }
    var now: NetInstant { network.now }
    /// Links in a simulated network are impaired with ``SimulatedNetwork/setImpairment(from:to:_:)``.
    func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection) {}
}
