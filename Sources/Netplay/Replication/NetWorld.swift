import NetplayBase
import NetplayReplication

/// The replicated entities of a session: players, creeps, anything whose state the host
/// decides and every screen shows.
///
/// The host spawns entities with a state (a `Codable` struct of yours, with `@Quantized`
/// fields to make it small) and changes them; the world sends each client compact snapshots,
/// deltas against what that client acknowledged. A client reads ``entities`` once a frame:
/// others interpolated smoothly, a little in the past; its own predicted at once from its
/// input, then reconciled with the host's answer. Give the world the rule that moves an
/// entity (`step`) and a player's own entity moves on the host and, predicted, on that
/// player's screen, with no other code:
///
/// ```swift
/// let world = try NetWorld<Dot, Keys>(host: host, step: { dot, keys in dot.moved(by: keys) })
/// // when a player connects:  dots[peer] = try world.spawn(Dot(x: 100, y: 100), ownedBy: peer)
/// // every frame, on every machine:
/// world.sendInput(keys)
/// world.update()
/// for entity in world.entities { draw(entity.state, highlighted: entity.isMine) }
/// ```
///
/// A world belongs to the game loop: use it from one thread. It takes what it needs from the
/// session behind the host or client (joins and leaves, its own channels and clock); the
/// game's ``NetHost/poll()`` never sees replication traffic. Entities a player owns are
/// despawned when that player leaves.
public final class NetWorld<State: Codable & Sendable & Interpolatable, Input: Codable & Sendable> {
    let session: NetSession
    let step: ((State, Input) -> State)?
    var role: Role
    /// The newest input this machine's player gave.
    var localInput: Input?
    /// What ``entities`` shows, rebuilt by each ``update(perTick:)``.
    public private(set) var entities: [NetEntity<State>] = []

    enum Role {
        case host(HostReplica<State, Input>)
        case client(ClientReplica<State, Input>)
    }

    /// Most simulation steps one ``update(perTick:)`` runs; after a longer stall (a debugger,
    /// a slow frame) the world skips ahead instead of spiralling.
    static var maxTicksPerUpdate: Int { 8 }

    /// The world of a host, which runs the simulation at `tickRate` steps per second.
    /// - Parameters:
    ///   - host: The host whose session carries the world; one world per session.
    ///   - tickRate: Simulation steps (and snapshots) per second; clients learn it on joining.
    ///   - step: How one player's input changes the entity that player owns; with it, owned
    ///     entities move by themselves, on the host and predicted on their owner's screen.
    ///     Without it, the host moves everything in ``update(perTick:)``.
    /// - Throws: ``NetWorldError/alreadyReplicating`` if the host already has a world.
    public init(host: NetHost, tickRate: Int = 30, step: ((State, Input) -> State)? = nil) throws(NetWorldError) {
        guard host.session.attachReplication() else { throw .alreadyReplicating }
        session = host.session
        self.step = step
        let configuration = ReplicationConfiguration(tickRate: TickRate(hertz: tickRate))
        role = .host(HostReplica(replication: ReplicationHost(configuration: configuration), session: host.session))
    }

    /// The world of a client: it learns the tick rate and which entities are its own from
    /// the host when it joins.
    /// - Parameters:
    ///   - client: The client whose session carries the world; one world per session.
    ///   - step: The same rule the host was given, used to predict this player's own
    ///     entities. Without it they are drawn like the others, interpolated.
    /// - Throws: ``NetWorldError/alreadyReplicating`` if the client already has a world.
    public init(client: NetClient, step: ((State, Input) -> State)? = nil) throws(NetWorldError) {
        guard client.session.attachReplication() else { throw .alreadyReplicating }
        session = client.session
        self.step = step
        role = .client(ClientReplica())
    }

    /// Host migration's hook: called on the player who takes over as host, once, in the
    /// ``update(perTick:)`` after ``NetEvent/hostChanged(to:)`` named it, before any step of its
    /// own runs. By then the world continues the old host's: every entity of the newest
    /// snapshot this machine had (its own as predicted) with the same ids and owners (the old
    /// host's entities now the new host's), and ticks going on from that snapshot's. The
    /// game rebuilds its own authoritative state from ``entities`` here, and removes what
    /// belonged to the player who left (the old host's own avatar, which its `.host` ownership
    /// does not tell apart from the world's). Players who do not come back are reported
    /// `.disconnected` and their entities despawned, as for any player who leaves. With a
    /// `step` rule, host-owned entities take the new host player's input from then on, as they
    /// took the old host's.
    public var onTakeover: (() -> Void)?

    /// Whether this is the host's world (which owns the truth) or a client's.
    public var isHost: Bool {
        if case .host = role { return true }
        return false
    }

    /// This machine's player's input, used from the next simulation step on until replaced.
    /// Call it every frame with what the player is pressing now; on a client it is sent to
    /// the host (each packet repeats the last few, so a lost one loses nothing) and applied
    /// at once to this player's own entities.
    public func sendInput(_ input: Input) {
        localInput = input
    }

    /// Once a frame, after the game has read ``NetHost/poll()``: takes what arrived, runs
    /// the simulation steps that are due (host) or predicts (client), sends, and refreshes
    /// ``entities``.
    /// - Parameter perTick: On the host, called once per simulation step after owned entities
    ///   took their owners' inputs, to move everything else (creeps, bullets). Never called
    ///   on a client.
    public func update(perTick: (NetWorldTick<Input>) -> Void = { _ in }) {
        guard let now = session.now else { return }
        var deliveries = session.takeReplication()
        // What came before a change of host belongs to the old host's session.
        while let change = deliveries.firstIndex(where: { if case .hostChanged = $0 { true } else { false } }) {
            take(Array(deliveries[..<change]), now: now)
            deliveries.removeFirst(change + 1)
            followNewHost(now: now)
        }
        take(deliveries, now: now)
        switch role {
        case .host(let host):
            host.runDueTicks(now: now, localInput: localInput, step: step, perTick: perTick)
            entities = host.entities()
        case .client(let client):
            client.predict(now: now, localInput: localInput, step: step)
            client.send(now: now, session: session)
            let drawn = client.entities(now: now, localPeer: session.withCore { $0.localPeer })
            // Until the new host's first snapshot after a host change, keep the last picture.
            if client.hasWelcome || entities.isEmpty { entities = drawn }
        }
    }

    private func take(_ deliveries: [ReplicationDelivery], now: NetInstant) {
        guard !deliveries.isEmpty else { return }
        switch role {
        case .host(let host): host.take(deliveries, now: now)
        case .client(let client): client.take(deliveries, now: now)
        }
    }

    /// Host migration: the player who took over continues the world from what it had; the
    /// others start afresh with the new host's welcome and snapshots.
    private func followNewHost(now: NetInstant) {
        guard case .client(let client) = role else { return }
        guard session.isHosting else {
            role = .client(ClientReplica())
            return
        }
        let inherited = client.inheritance()
        let tickRate = client.tickRate ?? TickRate(hertz: 30)
        // A state that cannot be coded could not have been replicated to begin with; should it
        // happen all the same, the game hosts an empty world rather than none.
        let host =
            (try? HostReplica<State, Input>(
                continuing: inherited.entities, at: inherited.tick, tickRate: tickRate, session: session))
            ?? HostReplica(
                replication: ReplicationHost(configuration: ReplicationConfiguration(tickRate: tickRate)),
                session: session)
        role = .host(host)
        entities = host.entities()
        onTakeover?()
    }

    /// Adds an entity, controlled by `owner`'s inputs (by default the host's, which suits
    /// anything no player controls). It reaches every client with the next snapshot.
    /// - Throws: ``NetWorldError/onlyTheHostChangesEntities`` on a client;
    ///   ``NetWorldError/unsupportedState(_:)`` if the state cannot be replicated.
    @discardableResult
    public func spawn(_ state: State, ownedBy owner: NetPeer = .host) throws(NetWorldError) -> NetEntityID {
        try hostReplica().spawn(state, ownedBy: owner)
    }

    /// Replaces an entity's state (host only).
    /// - Throws: ``NetWorldError/onlyTheHostChangesEntities`` on a client,
    ///   ``NetWorldError/unknownEntity(_:)`` if it is not alive.
    public func set(_ id: NetEntityID, to state: State) throws(NetWorldError) {
        try hostReplica().set(id, to: state)
    }

    /// Removes an entity (host only); clients drop it with the next snapshot.
    public func despawn(_ id: NetEntityID) throws(NetWorldError) {
        try hostReplica().replication.despawn(id.raw)
    }

    /// The entity's state: authoritative on the host; on a client, as last drawn.
    public subscript(id: NetEntityID) -> State? {
        if case .host(let host) = role { return host.replication.entity(id.raw)?.state }
        return entities.first { $0.id == id }?.state
    }

    private func hostReplica() throws(NetWorldError) -> HostReplica<State, Input> {
        guard case .host(let host) = role else { throw .onlyTheHostChangesEntities }
        return host
    }
}
