/// The id a host gives each connected peer; it is also the session id in the header of every
/// connected packet, so the host finds the peer's keys without trusting the source address.
///
/// Ids are drawn at random (not counted up) so one session's id says nothing about another's.
package struct PeerID: Hashable, Sendable, CustomStringConvertible {
    /// The id as it appears on the wire (little-endian `UInt32`).
    package let rawValue: UInt32

    /// Creates an id from its wire value.
    package init(rawValue: UInt32) { self.rawValue = rawValue }

    package var description: String { "peer#" + String(rawValue, radix: 16) }
}
