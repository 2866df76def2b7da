/// Identifies a replicated entity for its whole life. Assigned by the host
/// (``ReplicationHost/spawn(kind:owner:state:)``), never reused.
public struct EntityID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The number on the wire (sent as a gap from the previous id, so small gaps are cheap).
    public var value: UInt32

    /// Creates an id (to name one the host assigned, say in a message of your own).
    public init(_ value: UInt32) { self.value = value }

    public static func < (lhs: EntityID, rhs: EntityID) -> Bool { lhs.value < rhs.value }

    public var description: String { "entity \(value)" }

    /// The index of `id` in `elements`, which are sorted by the id `idOf` gives: a binary
    /// search, so that views and the host's table need no dictionary.
    static func index<Elements: RandomAccessCollection>(
        of id: EntityID, in elements: Elements, by idOf: (Elements.Element) -> EntityID
    ) -> Elements.Index? {
        var low = elements.startIndex
        var high = elements.endIndex
        while low < high {
            let middle = elements.index(low, offsetBy: elements.distance(from: low, to: high) / 2)
            let found = idOf(elements[middle])
            if found == id { return middle }
            if found < id { low = elements.index(after: middle) } else { high = middle }
        }
        return nil
    }

    /// The index of `id` in `entities` (sorted by id).
    static func index(of id: EntityID, in entities: [ViewedEntity]) -> Int? {
        index(of: id, in: entities) { $0.id }
    }
}

/// What kind of thing an entity is (player, creep, pickup…): a number the game chooses.
public struct EntityKind: Hashable, Sendable, Codable {
    /// The game's number for this kind.
    public var value: UInt16

    /// Creates a kind.
    public init(_ value: UInt16) { self.value = value }
}

/// A participant in a session: `host` is 0, clients are numbered by the game from 1.
/// Used as an entity's owner (whose inputs drive it) and to address a client.
///
/// Numbering clients is the game's job when it drives replication itself: give each
/// connection a number when it joins, pass it to ``ReplicationHost/addClient(_:)``, and tell
/// that client its number (its ``ReplicationClient/id``) in a message of your own.
public struct ParticipantID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The participant's number.
    public var value: UInt16

    /// Creates a participant id.
    public init(_ value: UInt16) { self.value = value }

    /// The host (it owns creeps and everything no player controls).
    public static let host = ParticipantID(0)

    public static func < (lhs: ParticipantID, rhs: ParticipantID) -> Bool { lhs.value < rhs.value }

    public var description: String { value == 0 ? "host" : "participant \(value)" }
}

/// One replicated entity as either side sees it: identity plus the game's state.
public struct ReplicatedEntity<State: Sendable>: Sendable {
    /// Its id.
    public var id: EntityID
    /// Its kind.
    public var kind: EntityKind
    /// Whose inputs drive it.
    public var owner: ParticipantID
    /// The game's state for it.
    public var state: State

    /// Creates an entity value.
    public init(id: EntityID, kind: EntityKind, owner: ParticipantID, state: State) {
        self.id = id
        self.kind = kind
        self.owner = owner
        self.state = state
    }
}

extension ReplicatedEntity: Equatable where State: Equatable {}
