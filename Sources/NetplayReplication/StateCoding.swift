import NetplayWire

/// How one state type is split into fields and rebuilt: by its generated per-field coder
/// (`@NetMessage`) or through `Codable`. A host or client decides once, when it is made,
/// instead of casting every entity's state to find out.
package struct StateCoding<State: Codable>: Sendable {
    /// The state's generated per-field coder, when it has one.
    private let generated: (any WireFieldCoding.Type)?

    /// Looks the state type's coder up.
    package init() {
        generated = State.self as? any WireFieldCoding.Type
    }

    /// The field bits of `state`.
    func encode(_ state: State, limits: WireLimits) throws(ReplicationError) -> StateBits {
        guard let generated else { return try StateFields.encodeCodable(state, limits: limits) }
        return try Self.encode(state, as: generated, limits: limits)
    }

    private static func encode<Coded: WireFieldCoding>(_ state: State, as coded: Coded.Type, limits: WireLimits)
        throws(ReplicationError) -> StateBits
    {
        try StateFields.encodeFields(StateFields.same(state, as: Coded.self), limits: limits)
    }

    /// Decodes one state from `packet` and puts its field bits (the next baseline) in `bits`.
    func decode(from packet: inout BitReader, source: StateFields.Source, limits: WireLimits, bits: inout StateBits)
        throws(ReplicationError) -> State
    {
        guard let generated else {
            return try StateFields.decodeCodable(State.self, from: &packet, source: source, limits: limits, bits: &bits)
        }
        return try StateFields.decodeFields(
            generated, as: State.self, from: &packet, source: source, limits: limits, bits: &bits)
    }
}
