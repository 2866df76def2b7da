/// How a message must be delivered, in terms every contender has.
public enum Delivery: String, Sendable, CaseIterable {
    /// Exactly once, in order (ENet's reliable flag, Netplay's `.reliableOrdered`, TCP).
    case reliableOrdered = "reliable-ordered"
    /// At most once (ENet's default, Netplay's `.unreliable`, a bare datagram).
    case unreliable
}
