import NetplayWire

/// Something that happened at a tick that both sides simulate from then on, such as a shot:
/// `TickedEvent(tick: now, payload: BulletFired(origin: o, velocity: v))`. Sent reliably and
/// in order (one event instead of a bullet's position every tick).
public struct TickedEvent<Payload: Codable & Sendable>: Codable, Sendable {
    /// The tick at which it happened on the sender.
    public var tick: Tick
    /// What happened.
    public var payload: Payload

    /// Creates an event.
    public init(tick: Tick, payload: Payload) {
        self.tick = tick
        self.payload = payload
    }

    /// Catches a late event up: runs `step` once per tick from the event's tick to `now`
    /// (at most `maxTicks` times, so a very stale event costs bounded work) and returns the
    /// result. A bullet fired 4 ticks ago appears where it is now, not where it started.
    /// An event from the future (a clock-sync error) is returned unstepped.
    public func fastForwarded<Simulated>(
        _ initial: Simulated, to now: Tick, maxTicks: Int = EventBatch.defaultMaxFastForwardTicks,
        step: (inout Simulated) -> Void
    ) -> Simulated {
        var simulated = initial
        let steps = min(max(tick.distance(to: now), 0), max(maxTicks, 0))
        for _ in 0..<steps { step(&simulated) }
        return simulated
    }
}

extension TickedEvent: Equatable where Payload: Equatable {}

/// The bytes of a batch of events, for a reliable ordered channel.
public enum EventBatch {
    /// Most events one batch may hold when decoding untrusted bytes.
    public static let maxEvents = 1024
    /// Fast-forward bound: 3 s at 30 Hz; anything older is simulated only that far.
    public static let defaultMaxFastForwardTicks = 90

    /// Encodes `events` (each as tick, then payload, by the binary coder).
    /// - Throws: `WireError` if an event exceeds the wire layer's limits (a string too long).
    public static func encode<Payload>(_ events: [TickedEvent<Payload>]) throws(WireError) -> [UInt8] {
        var capped = WireLimits.default
        capped.maxElements = min(capped.maxElements, maxEvents)
        return try WireEncoder(limits: capped).encode(events)
    }

    /// Decodes a batch; garbage, over-long counts and trailing bytes are a typed error.
    public static func decode<Payload>(_ type: Payload.Type, from bytes: [UInt8]) throws(WireError)
        -> [TickedEvent<Payload>]
    {
        var capped = WireLimits.default
        capped.maxElements = min(capped.maxElements, maxEvents)
        return try WireDecoder(limits: capped).decode([TickedEvent<Payload>].self, from: bytes)
    }
}
