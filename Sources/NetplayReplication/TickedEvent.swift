import NetplayWire

/// Something that happened at a tick that both sides simulate from then on, such as a shot:
/// `TickedEvent(tick: now, payload: BulletFired(origin: o, velocity: v))`. Sent reliably and
/// in order (one event instead of a bullet's position every tick).
package struct TickedEvent<Payload: Codable & Sendable>: Codable, Sendable {
    /// The tick at which it happened on the sender.
    package var tick: Tick
    /// What happened.
    package var payload: Payload

    /// Creates an event.
    package init(tick: Tick, payload: Payload) {
        self.tick = tick
        self.payload = payload
    }

    /// Catches a late event up: runs `step` once per tick from the event's tick to `now`
    /// (at most `maxTicks` times, so a very stale event costs bounded work) and returns the
    /// result. A bullet fired 4 ticks ago appears where it is now, not where it started.
    /// An event from the future (a clock-sync error) is returned unstepped.
    func fastForwarded<Simulated>(
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
package enum EventBatch {
    /// Most events one batch may hold when decoding untrusted bytes.
    static let maxEvents = 1024
    /// Fast-forward bound: 3 s at 30 Hz; anything older is simulated only that far.
    static let defaultMaxFastForwardTicks = 90

    /// Encodes `events` (each as tick, then payload, by the binary coder).
    package static func encode<Payload>(_ events: [TickedEvent<Payload>], limits: WireLimits = .default)
        throws(WireError) -> [UInt8]
    {
        var capped = limits
        capped.maxElements = min(limits.maxElements, maxEvents)
        return try WireEncoder(limits: capped).encode(events)
    }

    /// Decodes a batch; garbage, over-long counts and trailing bytes are a typed error.
    package static func decode<Payload>(_ type: Payload.Type, from bytes: [UInt8], limits: WireLimits = .default)
        throws(WireError) -> [TickedEvent<Payload>]
    {
        var capped = limits
        capped.maxElements = min(limits.maxElements, maxEvents)
        return try WireDecoder(limits: capped).decode([TickedEvent<Payload>].self, from: bytes)
    }
}
