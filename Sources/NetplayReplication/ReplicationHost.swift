import NetplayBase

/// The host's side of replication: the authoritative world of entities, and for each client
/// the snapshots it was sent, its acknowledgements, its inputs and its bandwidth budget.
///
/// For experts who carry the bytes themselves (their own transport, a relay, a replay file);
/// a game on Netplay's sessions uses `NetWorld`, which drives this for it. A value type with
/// no I/O: the game changes entities, calls ``advanceTick()`` at
/// ``ReplicationConfiguration/tickRate``, then sends each client the bytes of
/// ``makeSnapshot(for:now:)`` on an unreliable channel, and feeds the bytes each
/// client sends back to ``receive(_:from:now:)``. Time is a `Duration` since
/// an origin of the game's choosing (say `ContinuousClock.now - start`), the same for every call.
///
/// ```swift
/// var host = ReplicationHost<Unit, Move>()
/// host.addClient(ParticipantID(1))
/// let creep = try host.spawn(kind: EntityKind(2), owner: .host, state: Unit(x: 10, y: 20))
/// // every tick:
/// try host.setState(Unit(x: 11, y: 20), of: creep)
/// host.advanceTick()
/// let datagram = try host.makeSnapshot(for: ParticipantID(1), now: clock.now - start)
/// ```
public struct ReplicationHost<State: Codable & Sendable, Input: Codable & Sendable>: Sendable {
    /// The settings in force.
    public let configuration: ReplicationConfiguration
    /// The current tick; snapshots made now carry it.
    public private(set) var tick: Tick = .zero
    /// Datagrams from clients that were refused, by reason.
    public internal(set) var drops = ReplicationDrops()
    /// Decides whether a client hears of an entity at all (e.g. within view distance);
    /// `nil` replicates everything to everyone. An entity that stops being relevant is
    /// despawned on that client, and spawned again when it becomes relevant.
    public var relevance: (@Sendable (ParticipantID, ReplicatedEntity<State>) -> Bool)?
    /// How much a client needs updates of an entity, per tick (default 1). Unsent updates
    /// accumulate priority, so when the budget is tight nearer things go first and far
    /// things still go eventually.
    public var priority: (@Sendable (ParticipantID, ReplicatedEntity<State>) -> Double)?

    /// Live entities by ascending id, with their field bits; `states[i]` is the state of the
    /// entity at index `i`. Arrays, not a dictionary generic over `State`, so snapshot
    /// building walks them in id order without hashing or unspecialized generic code.
    package private(set) var table = EntityTable()
    private(set) var states: [State] = []
    package var clients: [ParticipantID: ClientReplica<Input>] = [:]
    private var nextEntityID: UInt32 = 1
    /// How `State` splits into fields, looked up once.
    let coding = StateCoding<State>()

    /// Creates an empty world.
    public init(configuration: ReplicationConfiguration = ReplicationConfiguration()) {
        self.configuration = configuration
    }

    /// Continues a world another host ran (host migration): the entities keep their ids, so
    /// every machine and the game's own bookkeeping still name them alike, and ticks go on
    /// from `tick`. Owners are as given (a game maps the old host's participants to its own).
    /// - Throws: ``ReplicationError/unsupportedState(_:)`` if a state cannot be split into fields.
    public init(
        configuration: ReplicationConfiguration = ReplicationConfiguration(),
        continuing entities: [ReplicatedEntity<State>], at tick: Tick
    ) throws(ReplicationError) {
        self.configuration = configuration
        self.tick = tick
        for entity in entities.sorted(by: { $0.id.value < $1.id.value }) where table.index(of: entity.id) == nil {
            let fields = try coding.encode(entity.state, limits: configuration.limits)
            table.append(id: entity.id, record: EntityRecord(kind: entity.kind, owner: entity.owner, fields: fields))
            states.append(entity.state)
            nextEntityID = max(nextEntityID, entity.id.value &+ 1)
        }
    }

    /// Adds an entity; it reaches each client with the first snapshot that has room for it.
    /// - Parameters:
    ///   - kind: What kind of thing it is, a number of the game's.
    ///   - owner: Whose inputs drive it (``ParticipantID/host`` for anything no player controls).
    ///   - state: Its first state.
    /// - Returns: Its id, the same on every client.
    /// - Throws: ``ReplicationError/unsupportedState(_:)`` if the state cannot be split into fields.
    public mutating func spawn(kind: EntityKind, owner: ParticipantID, state: State) throws(ReplicationError)
        -> EntityID
    {
        let fields = try coding.encode(state, limits: configuration.limits)
        let id = EntityID(nextEntityID)
        nextEntityID += 1
        table.append(id: id, record: EntityRecord(kind: kind, owner: owner, fields: fields))
        states.append(state)
        return id
    }

    /// Replaces an entity's state.
    /// - Throws: ``ReplicationError/unknownEntity(_:)`` if it is not alive;
    ///   ``ReplicationError/unsupportedState(_:)`` if the state cannot be split into fields.
    public mutating func setState(_ state: State, of id: EntityID) throws(ReplicationError) {
        guard let index = table.index(of: id) else { throw .unknownEntity(id) }
        table.setFields(try coding.encode(state, limits: configuration.limits), at: index)
        states[index] = state
    }

    /// Removes an entity; clients drop it with the first snapshot built after this.
    public mutating func despawn(_ id: EntityID) {
        guard let index = table.index(of: id) else { return }
        table.remove(at: index)
        states.remove(at: index)
        for client in clients.keys { clients[client]?.history.accumulated[id] = nil }
    }

    /// The entity's current identity and state, if alive.
    public func entity(_ id: EntityID) -> ReplicatedEntity<State>? {
        table.index(of: id).map { entity(at: $0) }
    }

    /// The entity at `index` of the table.
    func entity(at index: Int) -> ReplicatedEntity<State> {
        let record = table.records[index]
        return ReplicatedEntity(id: table.ids[index], kind: record.kind, owner: record.owner, state: states[index])
    }

    /// Every live entity, by ascending id.
    public var allEntities: [ReplicatedEntity<State>] {
        table.ids.indices.map { entity(at: $0) }
    }

    /// Moves to the next tick. Call once per simulation step, after changing entities.
    public mutating func advanceTick() {
        tick = tick.advanced(by: 1)
    }

    /// Starts replicating to `client`; its first snapshot is a full one.
    public mutating func addClient(_ client: ParticipantID) {
        clients[client] = ClientReplica()
    }

    /// Stops replicating to `client` and forgets its history.
    public mutating func removeClient(_ client: ParticipantID) {
        clients[client] = nil
    }

    /// The newest snapshot tick `client` has acknowledged.
    func acknowledgedTick(of client: ParticipantID) -> Tick? {
        clients[client]?.history.acknowledged
    }
}

/// What the host remembers about one client.
package struct ClientReplica<Input: Sendable>: Sendable {
    /// The snapshots sent and acknowledged, and the priorities of changes still waiting.
    package var history = SnapshotHistory()
    package var inputs = InputBuffer<Input>()
}
