/// Arithmetic on the 16-bit wrapping sequence numbers of the channel wire format.
///
/// Sixteen bits keep the header small (reliable.io's choice); every window in this layer is
/// far smaller than half the space, so a 16-bit value is always unambiguous next to a known
/// 64-bit reference.
package enum WrappingSequence {
    /// Whether `a` comes after `b`, treating the space as a circle (RFC 1982 serial numbers).
    static func isNewer(_ a: UInt16, than b: UInt16) -> Bool {
        a != b && a &- b < 0x8000
    }

    /// The full counter value closest to `reference` whose low 16 bits are `value`.
    static func extend(_ value: UInt16, near reference: Int64) -> Int64 {
        let offset = Int16(bitPattern: value &- UInt16(truncatingIfNeeded: reference))
        return reference + Int64(offset)
    }

    /// The low 16 bits of a full counter.
    static func truncate(_ value: Int64) -> UInt16 { UInt16(truncatingIfNeeded: value) }
}
