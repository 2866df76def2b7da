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
        /// The tick the session asked for (``Ticking/atDeadlines``); a new node ticks at once.
        var deadline: NetInstant?
        /// When its last timer tick ran, for the driver's minimum spacing.
        var lastTick: NetInstant?
        /// Work the session asked to run on its network thread (``Ticking/atDeadlines`` only).
        var soon: [@Sendable (NetInstant) -> Void] = []
    }

    /// How sessions are ticked as virtual time moves.
    public enum Ticking: Sendable, Hashable {
        /// Every session, every ``SimulatedNetwork/tickInterval``, after the datagrams due: the
        /// simplest schedule, and a superset of any deadline.
        case everyInterval
        /// As the UDP driver does: each read burst answered at once, and a tick only at the
        /// deadline the session last named (no sooner than ``SimulatedNetwork/tickInterval``
        /// after its previous one). A timer missing from the deadlines never fires here.
        case atDeadlines
    }

    private struct State: Sendable {
        var network: MemoryNetwork
        var nodes: [Node] = []
        var nextSeed: UInt64
    }

    private let state: NIOLockedValueBox<State>
    /// How often each session ticks (``Ticking/everyInterval``), or the least time between two
    /// timer ticks of a session (``Ticking/atDeadlines``), like the UDP driver's.
    public let tickInterval: Duration
    /// How sessions are ticked.
    public let ticking: Ticking

    /// A network whose links all have `impairment`, deterministic from `seed`.
    public init(
        seed: UInt64, impairment: LinkImpairment = .perfect, tickInterval: Duration = .milliseconds(5),
        ticking: Ticking = .everyInterval
    ) {
        state = NIOLockedValueBox(
            State(network: MemoryNetwork(seed: seed, defaultImpairment: impairment), nextSeed: seed))
        self.tickInterval = tickInterval
        self.ticking = ticking
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
        return NetHost(session: session, localAddress: address)
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
        guard ticking == .everyInterval else { return runAtDeadlines(until: end) }
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

    /// ``Ticking/atDeadlines``: from event to event (a delivery or a session's deadline) up to `end`.
    private func runAtDeadlines(until end: NetInstant) {
        let tickInterval = tickInterval
        while true {
            let step = state.withLockedValue {
                state -> (
                    NetInstant, [(NetSession, [ReceivedDatagram])], [@Sendable (NetInstant) -> Void], [NetSession]
                )?
                in
                let timers = state.nodes.compactMap { node in
                    node.deadline.map { deadline in node.lastTick.map { max(deadline, $0 + tickInterval) } ?? deadline }
                }
                let queued = state.nodes.contains { !$0.soon.isEmpty } ? [state.network.now] : []
                let next = ([state.network.nextDeliveryTime].compactMap { $0 } + timers + queued).min()
                guard let next, next <= end else {
                    state.network.advance(to: end)
                    return nil
                }
                state.network.advance(to: max(next, state.network.now))
                let now = state.network.now
                let arrivals = state.nodes.map { node in (node.session, state.network.receive(on: node.socket)) }
                var work: [@Sendable (NetInstant) -> Void] = []
                for index in state.nodes.indices { work += state.nodes[index].soon.takeAll() }
                var due: [NetSession] = []
                for index in state.nodes.indices {
                    guard let deadline = state.nodes[index].deadline else { continue }
                    let at = state.nodes[index].lastTick.map { max(deadline, $0 + tickInterval) } ?? deadline
                    guard at <= now else { continue }
                    state.nodes[index].deadline = nil
                    state.nodes[index].lastTick = now
                    due.append(state.nodes[index].session)
                }
                return (now, arrivals, work, due)
            }
            guard let (stepNow, arrivals, work, due) = step else { return }
            // Outside the lock: sessions send, and name their next deadlines, through it.
            for (session, datagrams) in arrivals where !datagrams.isEmpty {
                for datagram in datagrams { session.receive(datagram.bytes, from: datagram.from, now: stepNow) }
                session.serviceReadBurst(now: stepNow)
            }
            // As an event loop runs queued work after a read burst.
            for job in work { job(stepNow) }
            for session in due { session.tick(now: stepNow) }
        }
    }

    /// Queues `work` for `address`'s network thread (``Ticking/atDeadlines``; with
    /// ``Ticking/everyInterval`` the next tick does whatever it would have).
    fileprivate func runSoon(_ work: @escaping @Sendable (NetInstant) -> Void, for address: PeerAddress) {
        guard ticking == .atDeadlines else { return }
        state.withLockedValue { state in
            guard let index = state.nodes.firstIndex(where: { $0.socket.address == address }) else { return }
            state.nodes[index].soon.append(work)
        }
    }

    /// Records the tick `address`'s session asked for: the earlier of it and any already asked.
    fileprivate func scheduleTick(at deadline: NetInstant?, for address: PeerAddress) {
        guard let deadline else { return }
        state.withLockedValue { state in
            guard let index = state.nodes.firstIndex(where: { $0.socket.address == address }) else { return }
            state.nodes[index].deadline = min(state.nodes[index].deadline ?? deadline, deadline)
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
        // Ticked first at once, as the UDP driver does.
        state.withLockedValue { $0.nodes.append(Node(socket: socket, session: session, deadline: $0.network.now)) }
    }

    private func nextRandom() -> ProtocolRandom {
        state.withLockedValue { state in
            ProtocolRandom(DeterministicRandom(seed: DeterministicRandom.splitMix64(&state.nextSeed)))
        }
    }
}

/// One node's view of a ``SimulatedNetwork``.
private final class SimulatedTransport: DatagramTransport {
    let address: PeerAddress
    let network: SimulatedNetwork

    init(address: PeerAddress, network: SimulatedNetwork) {
        self.address = address
        self.network = network
    }

    func send(_ datagrams: [Datagram]) { network.send(datagrams, from: address) }
    /// Virtual time moves only when the test says so; the next tick flushes (in
    /// ``SimulatedNetwork/Ticking/atDeadlines``, `work` runs at the next step, as on a loop).
    func runSoon(for session: NetSession, _ work: @escaping SessionWork) {
        network.runSoon({ now in work(session, now) }, for: address)
    }
    func scheduleTick(at deadline: NetInstant?) { network.scheduleTick(at: deadline, for: address) }
    func close() async { network.detach(address) }
    func closeSynchronously() { network.detach(address) }
    var now: NetInstant { network.now }
    /// Links in a simulated network are impaired with ``SimulatedNetwork/setImpairment(from:to:_:)``.
    func setImpairment(_ impairment: LinkImpairment?, for direction: LinkDirection) {}
}
