import NetplayBase
import NetplayWire

/// The client's side of replication: applies snapshots against the views it acknowledged,
/// keeps recent views for interpolation, estimates the host's clock, and packs its inputs
/// and acknowledgement into the datagram it sends each tick.
///
/// For experts who carry the bytes themselves; a game on Netplay's sessions uses `NetWorld`.
/// Time is a `Duration` since an origin of this machine's choosing (say
/// `ContinuousClock.now - start`), the same for every call; it need not match the host's.
///
/// ```swift
/// var client = ReplicationClient<Unit, Move>(id: myParticipantID)   // the host told it
/// // on each datagram from the host:
/// try client.receiveSnapshot(bytes, now: clock.now - start)
/// // every frame (frames at least as often as the host steps, so no step goes without input):
/// let drawn = client.interpolatedEntities(at: clock.now - start)
/// if let tick = client.inputTick(at: clock.now - start) { client.recordInput(move, at: tick) }
/// send(try client.makePacket(now: clock.now - start))
/// ```
public struct ReplicationClient<State: Codable & Sendable, Input: Codable & Sendable>: Sendable {
    /// This client's participant id (it owns the entities whose owner is this id).
    public let id: ParticipantID
    /// The settings in force; ``ReplicationConfiguration/tickRate`` must match the host's.
    public let configuration: ReplicationConfiguration
    /// The newest snapshot tick applied.
    public private(set) var newestTick: Tick?
    /// The host-tick estimate fed by snapshot round trips.
    package private(set) var clock: ClockSync
    /// The jitter buffer's drawing time.
    package private(set) var timeline: InterpolationTimeline
    /// Snapshots refused, by reason.
    public private(set) var drops = ReplicationDrops()

    /// Decoded views by tick: baselines for future deltas and frames for interpolation.
    var views: [Tick: ClientView<State>] = [:]
    /// How `State` splits into fields, looked up once.
    private let coding = StateCoding<State>()
    /// Recent inputs, oldest first, repeated in every packet.
    private var recentInputs: [TickedInput<Input>] = []

    /// Creates a client that has seen nothing yet.
    /// - Parameters:
    ///   - id: The number the host gave this client in ``ReplicationHost/addClient(_:)``.
    ///   - configuration: The host's tick rate, at least.
    public init(id: ParticipantID, configuration: ReplicationConfiguration = ReplicationConfiguration()) {
        self.id = id
        self.configuration = configuration
        self.clock = ClockSync(tickRate: configuration.tickRate)
        self.timeline = InterpolationTimeline(tickRate: configuration.tickRate)
    }

    /// Applies a snapshot datagram that arrived at `now`.
    ///
    /// Snapshots may arrive late or out of order: each is decoded against the baseline it
    /// names, so an older one still fills a gap for interpolation. One whose baseline this
    /// client no longer holds, a duplicate, or garbage is refused, counted in ``drops`` and
    /// thrown; the client's state is unchanged and the next snapshot repairs everything.
    /// - Parameters:
    ///   - bytes: The bytes of the host's ``ReplicationHost/makeSnapshot(for:now:)``.
    ///   - now: When they arrived: time since the origin every call of this client uses.
    public mutating func receiveSnapshot(_ bytes: [UInt8], now: Duration) throws(ReplicationError) {
        try receiveSnapshot(bytes, now: NetInstant.zero + now)
    }

    /// ``receiveSnapshot(_:now:)`` at a session's instant.
    package mutating func receiveSnapshot(_ bytes: [UInt8], now: NetInstant) throws(ReplicationError) {
        do {
            try apply(bytes, now: now)
        } catch {
            drops.count(error)
            throw error
        }
    }

    private mutating func apply(_ bytes: [UInt8], now: NetInstant) throws(ReplicationError) {
        var reader = BitReader(bytes, limits: configuration.limits)
        let header: SnapshotHeader
        do { header = try SnapshotCodec.readHeader(from: &reader) } catch { throw .malformed(error) }
        let oldestKept = newestTick.map { $0.advanced(by: -configuration.baselineHistory) } ?? .zero
        guard views[header.tick] == nil, header.tick >= oldestKept else { throw .stale(header.tick) }
        var baseline = ClientView<State>()
        if let baselineTick = header.baseline {
            guard let known = views[baselineTick] else { throw .unknownBaseline(baselineTick) }
            baseline = known
        }
        let view = try SnapshotCodec.readBody(coding, from: &reader, baseline: baseline, limits: configuration.limits)

        views[header.tick] = view
        if newestTick.map({ $0 < header.tick }) ?? true { newestTick = header.tick }
        if let newest = newestTick {
            let oldest = newest.advanced(by: -configuration.baselineHistory)
            // Removes the few stale views in place: rebuilding the dictionary (generic over
            // `State`) every snapshot cost as much as decoding the snapshot.
            for tick in views.keys.filter({ $0 < oldest }) { views[tick] = nil }
        }
        timeline.record(tick: header.tick, arrival: now)
        if let echo = header.echo {
            let elapsed = Self.milliseconds(at: now) &- echo.clientMilliseconds
            if elapsed < Self.maxRoundTripMilliseconds, elapsed >= echo.holdMilliseconds {
                clock.addSample(
                    hostTick: header.tick, roundTrip: .milliseconds(Int64(elapsed - echo.holdMilliseconds)),
                    receivedAt: now)
            }
        }
    }

    /// The entities of the snapshot for `tick` exactly as the host sent them, if it was
    /// received and is still kept (``ReplicationConfiguration/baselineHistory`` ticks).
    public func entities(at tick: Tick) -> [ReplicatedEntity<State>]? {
        views[tick].map { Self.entities(of: $0) }
    }

    /// The entities of the newest snapshot (authoritative, not interpolated).
    public var latestEntities: [ReplicatedEntity<State>] {
        newestTick.flatMap { entities(at: $0) } ?? []
    }

    /// The newest authoritative state of `entity` and the tick it is for: what prediction
    /// reconciles against (``Predictor/reconcile(authoritative:at:step:)``).
    public func latestState(of entity: EntityID) -> (tick: Tick, state: State)? {
        guard let tick = newestTick, let view = views[tick], let index = view.index(of: entity) else { return nil }
        return (tick, view.states[index])
    }

    /// Remembers the input for `tick`; the next packets repeat it
    /// ``ReplicationConfiguration/inputRedundancy`` times. Inputs must come in tick order, one
    /// for every step (after a skipped step the repeats start again from this one); stamp
    /// each with ``inputTick(at:)``, so it reaches the host before that step is run.
    public mutating func recordInput(_ input: Input, at tick: Tick) {
        if let last = recentInputs.last, last.tick >= tick { return }
        if let last = recentInputs.last, last.tick.distance(to: tick) != 1 { recentInputs.removeAll() }
        recentInputs.append(TickedInput(tick: tick, input: input))
        if recentInputs.count > configuration.inputRedundancy {
            recentInputs.removeFirst(recentInputs.count - configuration.inputRedundancy)
        }
    }

    /// The datagram to send the host now: acknowledgement, clock probe and recent inputs.
    /// Send one every tick or frame, unreliably, even without new input: the acknowledgement
    /// keeps the host's deltas small and the clock probe keeps ``inputTick(at:)`` right.
    /// - Parameter now: Time since the origin every call of this client uses.
    /// - Throws: ``ReplicationError/malformed(_:)`` if an input exceeds the wire limits.
    public func makePacket(now: Duration) throws(ReplicationError) -> [UInt8] {
        try makePacket(now: NetInstant.zero + now)
    }

    /// ``makePacket(now:)`` at a session's instant.
    package func makePacket(now: NetInstant) throws(ReplicationError) -> [UInt8] {
        let packet = InputPacket(
            acknowledged: newestTick, clientMilliseconds: Self.milliseconds(at: now), inputs: recentInputs)
        do { return try packet.encode(limits: configuration.limits) } catch { throw .malformed(error) }
    }

    package static func entities(of view: ClientView<State>) -> [ReplicatedEntity<State>] {
        view.entities.indices.map { index in
            let entity = view.entities[index]
            return ReplicatedEntity(
                id: entity.id, kind: entity.record.kind, owner: entity.record.owner, state: view.states[index])
        }
    }

    /// The client clock in milliseconds, wrapping every 49 days (differences stay right).
    package static func milliseconds(at now: NetInstant) -> UInt32 {
        UInt32(truncatingIfNeeded: now.nanoseconds / 1_000_000)
    }

    /// Round trips longer than this are not clock samples but stale echoes.
    package static var maxRoundTripMilliseconds: UInt32 { 10_000 }
}
