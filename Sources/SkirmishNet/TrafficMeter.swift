import Netplay
import NetplayWire

/// Counts the bytes a session sends and receives and turns them into kilobits per second
/// over a sliding window, for the overlay and the report.
///
/// It measures the game's message payloads (what Skirmish asks Netplay to carry); protocol and
/// channel headers come on top.
struct TrafficMeter: Sendable {
    /// Rates are averaged over this long: a few snapshots' worth is too jumpy to read.
    static let windowSeconds = 1.0

    private(set) var totalSent = 0
    private(set) var totalReceived = 0
    private var windowStart: ContinuousClock.Instant
    private var sentInWindow = 0
    private var receivedInWindow = 0
    private(set) var kilobitsSent = 0.0
    private(set) var kilobitsReceived = 0.0

    init(now: ContinuousClock.Instant) { windowStart = now }

    mutating func sent(_ bytes: Int) {
        totalSent += bytes
        sentInWindow += bytes
    }

    mutating func received(_ bytes: Int) {
        totalReceived += bytes
        receivedInWindow += bytes
    }

    /// Closes the window once it is ``windowSeconds`` old.
    mutating func update(now: ContinuousClock.Instant) {
        let elapsed = (now - windowStart).secondsDouble
        guard elapsed >= Self.windowSeconds else { return }
        kilobitsSent = Double(sentInWindow * 8) / elapsed / 1000
        kilobitsReceived = Double(receivedInWindow * 8) / elapsed / 1000
        sentInWindow = 0
        receivedInWindow = 0
        windowStart = now
    }

    /// The encoded size of a message, as the binary coder writes it.
    static func size(of message: some NetMessage) -> Int {
        (try? WireEncoder().encode(message).count) ?? 0
    }
}
