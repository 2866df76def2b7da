import Netplay
import NetplayBase
import NetplayReplication
import SkirmishCore

/// A joined player's side of a game: it sends its inputs, draws other players and creeps
/// interpolated from the host's snapshots, predicts its own player, and flies the host's
/// bullet events itself.
final class ClientSession {
    let net: NetClient
    let localPlayer: PlayerID
    var replication = ReplicationClient<ReplicatedUnit, PlayerInput>(id: ClientSession.selfParticipant)
    var predictor: Predictor<ReplicatedUnit, PlayerInput>?
    var reconciledTick: NetTick?
    var bullets = BulletTrack()
    var match = MatchStatus.initial
    var audit = DisplayAudit()
    var traffic: TrafficMeter
    let epoch: ContinuousClock.Instant
    var ticksSimulated = 0
    var snapshotsReceived = 0
    var firstSnapshotTick: NetTick?
    var corrections = 0
    var largestCorrection = 0.0
    var lastView = FrameView()
    var notice: String?
    var ended: String?

    /// The client does not need the id the host's replication gave it: it finds its player by
    /// its own `PlayerID`, which the protocol assigned.
    static let selfParticipant = ParticipantID(1)
    /// Most ticks predicted in one frame; a larger gap (a stall, a clock step) restarts
    /// prediction from the host's state instead.
    static let maxPredictedTicksPerFrame = 8
    /// Corrections above this snap instead of blending: a restart moves players to their seats.
    static let snapDistance = 64.0

    init(net: NetClient, localPlayer: PlayerID, now: ContinuousClock.Instant) {
        self.net = net
        self.localPlayer = localPlayer
        epoch = now
        traffic = TrafficMeter(now: now)
    }

    var isPlaying: Bool { match.phase == .playing }

    func update(input: PlayerInput, now: ContinuousClock.Instant) -> FrameView {
        let instant = NetInstant(nanoseconds: (now - epoch).nanosecondsClamped)
        handleEvents(instant: instant)
        if ended == nil {
            predict(input: input, instant: instant)
            sendPacket(instant: instant)
        }
        traffic.update(now: now)
        lastView = frame(instant: instant)
        audit.settle(against: replication, me: localPlayer.rawValue)
        return lastView
    }

    private func handleEvents(instant: NetInstant) {
        for event in net.poll() {
            switch event {
            case .message(let snapshot as SnapshotMessage, _):
                traffic.received(snapshot.bytes.count)
                // A stale or undecodable snapshot is counted in `replication.drops`; the next repairs it.
                guard (try? replication.receiveSnapshot(snapshot.bytes, now: instant)) != nil else { continue }
                snapshotsReceived += 1
                if firstSnapshotTick == nil { firstSnapshotTick = replication.newestTick }
            case .message(let shot as BulletFired, _):
                traffic.received(TrafficMeter.size(of: shot))
                bullets.add(shot)
            case .message(let status as MatchStatus, _):
                traffic.received(TrafficMeter.size(of: status))
                if status.phase != match.phase, status.phase == .playing { bullets.removeAll() }
                match = status
            case .message, .connected:
                break
            case .disconnected(_, let reason):
                ended = SessionEnd.message(for: reason)
            }
        }
    }

    /// The own player's authoritative state in the newest snapshot.
    private func authoritativeSelf() -> (tick: NetTick, state: ReplicatedUnit)? {
        guard let tick = replication.newestTick,
            let entity = replication.entities(at: tick)?.first(where: {
                $0.kind == UnitKind.player && $0.state.id == localPlayer.rawValue
            })
        else { return nil }
        return (tick, entity.state)
    }

    /// Predicts the own player up to the tick the host will apply this frame's input at,
    /// after reconciling with the newest authoritative state.
    private func predict(input: PlayerInput, instant: NetInstant) {
        guard let target = replication.clock.inputTick(at: instant), let authoritative = authoritativeSelf() else {
            return
        }
        let playing = isPlaying
        let step: (ReplicatedUnit, PlayerInput) -> ReplicatedUnit = { PlayerMotion.step($0, $1, playing: playing) }
        var predicting =
            predictor
            ?? Predictor(state: authoritative.state, tick: target.advanced(by: -1), snapDistance: Self.snapDistance)
        if predicting.tick.distance(to: target) > Self.maxPredictedTicksPerFrame
            || target < predicting.tick.advanced(by: -Self.maxPredictedTicksPerFrame)
        {
            predicting = Predictor(
                state: authoritative.state, tick: target.advanced(by: -1), snapDistance: Self.snapDistance)
        }
        if reconciledTick.map({ $0 < authoritative.tick }) ?? true {
            let correction = predicting.reconcile(
                authoritative: authoritative.state, at: authoritative.tick, step: step)
            reconciledTick = authoritative.tick
            if correction > 0 {
                corrections += 1
                largestCorrection = max(largestCorrection, correction)
            }
        }
        var tick = predicting.tick
        while tick < target {
            tick = tick.advanced(by: 1)
            predicting.predict(input, at: tick, step: step)
            replication.recordInput(input, at: tick)
            ticksSimulated += 1
        }
        predictor = predicting
        audit.recordOwn(tick: predicting.tick, unit: predicting.displayed)
    }

    /// Every frame: the ack that lets the host delta against newer snapshots, the clock probe,
    /// and the recent inputs (repeated, so a lost packet loses none).
    private func sendPacket(instant: NetInstant) {
        guard let bytes = try? replication.makePacket(now: instant) else { return }
        guard (try? net.send(InputMessage(bytes: bytes), on: .unreliable)) != nil else { return }
        traffic.sent(bytes.count)
    }
}
