/// The host's live entities by ascending id, with the records the next snapshot codes for
/// them. Ids are never reused and only grow, so a spawn appends and the order holds.
package struct EntityTable: Sendable {
    /// The ids, ascending.
    package private(set) var ids: [EntityID] = []
    /// `records[i]` belongs to `ids[i]`.
    package private(set) var records: [EntityRecord] = []

    /// Number of live entities.
    package var count: Int { ids.count }

    /// Where `id` is, if it is alive.
    package func index(of id: EntityID) -> Int? {
        EntityID.index(of: id, in: ids) { $0 }
    }

    /// Adds an entity whose id is larger than every id in the table.
    mutating func append(id: EntityID, record: EntityRecord) {
        precondition(ids.last.map { $0 < id } ?? true, "entity ids must grow")
        ids.append(id)
        records.append(record)
    }

    /// Replaces the field bits of the entity at `index`.
    mutating func setFields(_ fields: StateBits, at index: Int) {
        records[index].fields = fields
    }

    /// Removes the entity at `index`.
    mutating func remove(at index: Int) {
        ids.remove(at: index)
        records.remove(at: index)
    }
}
