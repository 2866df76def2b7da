import Netplay
import SkirmishCore

/// Checks what a client drew against the host's world at the same tick, once the host's
/// state for that tick has arrived.
///
/// The host's snapshot for tick T carries its authoritative positions at T, exactly (the
/// world keeps positions on the wire grid, so the snapshot is lossless). Other entities are
/// drawn at a fractional render tick R, so their truth is the host's positions at ⌊R⌋ and
/// ⌈R⌉ blended by R's fraction; the local player is drawn at its predicted tick P and
/// compared with the host's state at P. A frame whose snapshots never arrive (lost) is
/// dropped unchecked rather than guessed.
struct DisplayAudit: Sendable {
    /// Frames waiting for their snapshots, oldest first: at 30 fps, 4 s of frames, more than
    /// the client keeps snapshots for.
    static let maxPending = 120
    /// A frame is given up once the client holds snapshots this many ticks newer than it
    /// needs and still lacks one (it was lost).
    static let giveUpTicks = 8

    private struct DrawnFrame: Sendable {
        var render: Double
        var positions: [(id: NetEntityID, x: Float, y: Float)]
    }

    private struct DrawnOwn: Sendable {
        var tick: Int
        var x: Float
        var y: Float
    }

    private var frames: [DrawnFrame] = []
    private var own: [DrawnOwn] = []
    private(set) var maxRemote = 0.0
    private(set) var remoteChecked = 0
    private(set) var maxOwn = 0.0
    private(set) var ownChecked = 0

    mutating func recordRemote(render: Double, entities: [NetEntity<ReplicatedUnit>]) {
        guard !entities.isEmpty else { return }
        frames.append(DrawnFrame(render: render, positions: entities.map { ($0.id, $0.state.x, $0.state.y) }))
        if frames.count > Self.maxPending { frames.removeFirst(frames.count - Self.maxPending) }
    }

    mutating func recordOwn(tick: Int, unit: ReplicatedUnit) {
        own.append(DrawnOwn(tick: tick, x: unit.x, y: unit.y))
        if own.count > Self.maxPending { own.removeFirst(own.count - Self.maxPending) }
    }

    /// Compares every recorded frame whose host state is now known.
    mutating func settle(against world: NetWorld<ReplicatedUnit, PlayerInput>) {
        guard let newest = world.newestTick else { return }
        frames.removeAll { frame in
            let floor = Int(max(frame.render, 0).rounded(.down))
            let fraction = frame.render - Double(floor)
            let ceiling = fraction > 0 ? floor + 1 : floor
            guard let before = world.receivedEntities(atTick: floor),
                let after = world.receivedEntities(atTick: ceiling)
            else {
                return newest - ceiling > Self.giveUpTicks
            }
            let start = Dictionary(before.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
            let end = Dictionary(after.map { ($0.id, $0.state) }, uniquingKeysWith: { first, _ in first })
            for drawn in frame.positions {
                guard let from = start[drawn.id] else { continue }
                let truth = from.interpolated(to: end[drawn.id] ?? from, fraction: fraction)
                let dx = Double(truth.x - drawn.x)
                let dy = Double(truth.y - drawn.y)
                maxRemote = max(maxRemote, (dx * dx + dy * dy).squareRoot())
                remoteChecked += 1
            }
            return true
        }
        own.removeAll { drawn in
            guard let state = world.receivedEntities(atTick: drawn.tick) else {
                return newest - drawn.tick > Self.giveUpTicks
            }
            guard let truth = state.first(where: \.isMine) else {
                return true
            }
            let dx = Double(truth.state.x - drawn.x)
            let dy = Double(truth.state.y - drawn.y)
            maxOwn = max(maxOwn, (dx * dx + dy * dy).squareRoot())
            ownChecked += 1
            return true
        }
    }
}

extension SessionReport {
    /// Takes the audit's figures: how far drawn positions were from the host's.
    mutating func record(_ audit: DisplayAudit) {
        maxRemotePositionDifference = audit.maxRemote
        remotePositionsChecked = audit.remoteChecked
        maxOwnPositionDifference = audit.maxOwn
        ownPositionsChecked = audit.ownChecked
    }
}
