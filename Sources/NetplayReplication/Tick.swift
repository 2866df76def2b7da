import NetplayBase

/// A simulation step number. The host advances it at a fixed rate (``TickRate``); snapshots,
/// inputs and events are stamped with it so both sides talk about the same moment.
///
/// 32 bits at 30 Hz last four and a half years, so wrap-around is not handled.
public struct Tick: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The step number.
    public var value: UInt32

    /// Creates a tick.
    public init(_ value: UInt32) { self.value = value }

    /// The first tick.
    public static let zero = Tick(0)

    /// The tick `count` steps later (earlier when negative), clamped to the representable range.
    public func advanced(by count: Int) -> Tick {
        Tick(UInt32(clamping: Int64(value) + Int64(count)))
    }

    /// Steps from `self` to `other` (negative when `other` is earlier).
    public func distance(to other: Tick) -> Int { Int(Int64(other.value) - Int64(value)) }

    public static func < (lhs: Tick, rhs: Tick) -> Bool { lhs.value < rhs.value }

    public var description: String { "tick \(value)" }
}

/// How often the host steps the simulation and sends snapshots.
public struct TickRate: Hashable, Sendable {
    /// Steps per second.
    public let hertz: Int

    /// Creates a rate of `hertz` steps per second (clamped to 1…1000).
    public init(hertz: Int) { self.hertz = min(max(hertz, 1), Self.maxHertz) }

    /// 30 Hz: what most action games replicate at (Overwatch and Source default to 20–64);
    /// a 33 ms step keeps interpolation delay near 100 ms.
    public static let `default` = TickRate(hertz: 30)

    /// Duration of one step, in nanoseconds.
    var nanosecondsPerTick: Int64 { Self.nanosecondsPerSecond / Int64(hertz) }

    /// Duration of one step, in seconds.
    public var secondsPerTick: Double { 1 / Double(hertz) }

    /// `instant` measured in (fractional) ticks since the epoch.
    package func ticks(at instant: NetInstant) -> Double {
        Double(instant.nanoseconds) / Double(nanosecondsPerTick)
    }

    /// The instant at which `tick` starts, on a clock whose epoch is tick 0.
    package func instant(of tick: Tick) -> NetInstant {
        NetInstant(nanoseconds: Int64(tick.value) * nanosecondsPerTick)
    }

    package static let nanosecondsPerSecond: Int64 = 1_000_000_000
    /// Faster than 1 kHz would make a tick shorter than typical scheduling granularity.
    static let maxHertz = 1000
}
