/// Client-side prediction of the player's own entity, with reconciliation.
///
/// The client applies each input at once (the player sees the response on the same frame),
/// keeps the inputs since the last authoritative state, and when a snapshot says where the
/// host really put the entity at some tick, rewinds to that state and replays the inputs
/// after it. Small differences are blended out over a few ticks instead of snapping; large
/// ones (a teleport, a collision the client could not foresee) snap.
///
/// The step function is passed to each call rather than stored, so the predictor stays a
/// plain `Sendable` value; it must be the same deterministic step the host runs.
///
/// ```swift
/// var predictor = Predictor<Unit, Move>(state: spawned.state, tick: firstInputTick.advanced(by: -1))
/// // each step this client stamps an input for:
/// predictor.predict(move, at: tick, step: Unit.step)
/// client.recordInput(move, at: tick)
/// // when a newer snapshot arrived:
/// if let latest = client.latestState(of: myUnit) {
///     predictor.reconcile(authoritative: latest.state, at: latest.tick, step: Unit.step)
/// }
/// draw(predictor.displayed)
/// ```
public struct Predictor<State: Interpolatable & Sendable, Input: Sendable>: Sendable {
    /// The predicted present state (after the newest input).
    public private(set) var state: State
    /// The tick of the newest input applied.
    public private(set) var tick: Tick
    /// The largest correction so far, in the game's units (`Interpolatable.distance(to:)`).
    public private(set) var largestCorrection: Double = 0
    /// The most recent correction.
    public private(set) var lastCorrection: Double = 0
    /// Ticks over which a correction is blended out.
    var smoothingTicks: Int
    /// Corrections at least this large snap instead of blending.
    public var snapDistance: Double

    private var history: [Entry] = []
    /// While blending: the old (wrong) timeline, still advanced by each input, and how far
    /// the drawn state has moved from it to the corrected one.
    private var blendOrigin: State?
    private var blendProgress = 0.0

    /// Inputs kept for replay: 2 s at 30 Hz, far beyond a playable round trip.
    static var maxHistory: Int { 64 }

    /// Starts predicting from an authoritative `state` at `tick`.
    /// - Parameters:
    ///   - state: The entity's state as the host last sent it.
    ///   - tick: The step that state is for; the next ``predict(_:at:step:)`` is for the step after.
    ///   - smoothingTicks: Steps over which a small correction is blended out.
    ///   - snapDistance: Corrections at least this large (in `Interpolatable.distance(to:)`)
    ///     snap at once: a respawn, a teleport.
    public init(state: State, tick: Tick, smoothingTicks: Int = 6, snapDistance: Double = .infinity) {
        self.state = state
        self.tick = tick
        self.smoothingTicks = max(smoothingTicks, 1)
        self.snapDistance = snapDistance
    }

    /// What to draw: the predicted state, with any recent correction being blended out.
    public var displayed: State {
        guard let origin = blendOrigin else { return state }
        return origin.interpolated(to: state, fraction: blendProgress)
    }

    /// Applies `input` for `tick` (the next tick) at once and returns the predicted state.
    @discardableResult
    public mutating func predict(_ input: Input, at tick: Tick, step: (State, Input) -> State) -> State {
        state = step(state, input)
        self.tick = tick
        history.append(Entry(tick: tick, input: input, state: state))
        if history.count > Self.maxHistory { history.removeFirst(history.count - Self.maxHistory) }
        if let origin = blendOrigin {
            blendProgress += 1 / Double(smoothingTicks)
            blendOrigin = blendProgress >= 1 ? nil : step(origin, input)
        }
        return state
    }

    /// Reconciles with the host's `authoritative` state at `tick`: rewinds there, replays
    /// the inputs after it, and returns how far the present prediction moved.
    @discardableResult
    public mutating func reconcile(authoritative: State, at tick: Tick, step: (State, Input) -> State) -> Double {
        guard let index = history.firstIndex(where: { $0.tick == tick }) else {
            if tick > self.tick {
                // The host is ahead of every input we predicted: adopt its state outright.
                state = authoritative
                self.tick = tick
                history.removeAll()
                blendOrigin = nil
            }
            return 0
        }
        let drawn = displayed
        var replayed = authoritative
        for later in history.index(after: index)..<history.endIndex {
            replayed = step(replayed, history[later].input)
            history[later].state = replayed
        }
        let correction = state.distance(to: replayed)
        history.removeSubrange(...index)
        state = replayed
        lastCorrection = correction
        largestCorrection = max(largestCorrection, correction)
        if correction > 0 && correction < snapDistance {
            blendOrigin = drawn
            blendProgress = 0
        } else if correction >= snapDistance {
            blendOrigin = nil
        }
        return correction
    }

    private struct Entry: Sendable {
        var tick: Tick
        var input: Input
        var state: State
    }
}
