/// The payloads one authentic packet carried, in order. Nearly every packet carries exactly
/// one, which is kept without an array of its own: an array of one cost an allocation per
/// datagram received.
package struct ReceivedPayloads: Sendable, Hashable {
    private var first: [UInt8]?
    /// The second payload on, for the rare packet that carries several.
    private var rest: [[UInt8]] = []

    package init() {}

    /// How many payloads there are.
    package var count: Int { first == nil ? 0 : 1 + rest.count }

    /// The payload at `index`, `0 ..< count`.
    package subscript(index: Int) -> [UInt8] {
        precondition(index >= 0 && index < count, "payload \(index) of \(count)")
        // `count > 0` here, so `first` is set.
        return index == 0 ? first ?? [] : rest[index - 1]
    }

    /// Adds the next payload.
    package mutating func append(_ payload: [UInt8]) {
        if first == nil { first = payload } else { rest.append(payload) }
    }
}
