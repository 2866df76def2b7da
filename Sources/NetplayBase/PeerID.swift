/// The id a host gives each connected peer; it is also the session id in the header of every
/// connected packet, so the host finds the peer's keys without trusting the source address.
///
/// Ids are drawn at random (not counted up) so one session's id says nothing about another's.
///
/// `@usableFromInline` for other modules' speed, as ``NetInstant`` is (see there).
@usableFromInline
package struct PeerID: Hashable, Sendable, CustomStringConvertible {
    /// The id as it appears on the wire (little-endian `UInt32`).
    @usableFromInline package let rawValue: UInt32

    /// Creates an id from its wire value.
    @inlinable
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    @usableFromInline package var description: String { "peer#" + String(rawValue, radix: 16) }

    @inlinable
    package static func == (lhs: PeerID, rhs: PeerID) -> Bool { lhs.rawValue == rhs.rawValue }

    @inlinable
    package func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    /// The hash `Dictionary` and `Set` place an id by: SplitMix64's finalizer over the id and
    /// the table's seed, instead of SipHash through `Hasher`. A host looks its peers up by id
    /// for every packet it receives and sends, and at 32 clients `Hasher` was 3 % of its
    /// instructions. SipHash, keyed by a random per-process seed, defends tables whose stored
    /// keys an attacker chooses. This relies on the host drawing every stored id at random:
    /// a stranger chooses only the ids it looks up, never where the stored ones sit, and a
    /// well-mixed hash spreads random ids as evenly as SipHash. (`_rawHashValue(seed:)` is the
    /// `Hashable` requirement the standard library's integers implement to skip `Hasher`'s
    /// general path.)
    @inlinable
    package func _rawHashValue(seed: Int) -> Int {
        var mixed = UInt64(rawValue) ^ UInt64(bitPattern: Int64(seed))
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 31))
    }
}
