import NetplayBase

/// Bytes and packets per second in one direction, measured over whole intervals so that
/// reading it every frame costs nothing.
package struct RateMeter: Sendable {
    private var intervalStart: NetInstant
    private var intervalBytes = 0
    private var intervalPackets = 0
    package private(set) var bytesPerSecond = 0.0
    package private(set) var packetsPerSecond = 0.0
    package private(set) var totalBytes = 0
    package private(set) var totalPackets = 0

    package init(now: NetInstant) { intervalStart = now }

    package mutating func record(bytes: Int, now: NetInstant) {
        roll(now: now)
        intervalBytes += bytes
        intervalPackets += 1
        totalBytes += bytes
        totalPackets += 1
    }

    /// Closes the interval once it is long enough, publishing its rates.
    mutating func roll(now: NetInstant) {
        guard now.isAtLeast(Self.interval, after: intervalStart) else { return }
        let seconds = (now - intervalStart).secondsDouble
        bytesPerSecond = Double(intervalBytes) / seconds
        packetsPerSecond = Double(intervalPackets) / seconds
        intervalBytes = 0
        intervalPackets = 0
        intervalStart = now
    }

    /// Long enough to average over many packets at game rates, short enough to follow change.
    package static let interval = Duration.seconds(1)
}
