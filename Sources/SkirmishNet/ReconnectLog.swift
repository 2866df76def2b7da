import Foundation

/// When the network went quiet during a game and when it came back, for ``SessionReport`` and
/// the tests that stop a process or pull a link: wall-clock milliseconds since 1970, the one
/// clock every process on a machine shares, so they line up with when the fault ended.
struct ReconnectLog: Sendable {
    private(set) var interruptedAtMs: [UInt64] = []
    private(set) var resumedAtMs: [UInt64] = []
    private(set) var snapshotStalls: [SessionReport.Stall] = []
    /// When the newest tick last moved, and to what.
    private var lastProgress: (tick: Int, atMs: UInt64)?

    /// Snapshots arrive every tick (33 ms); this long without one is a stall, not jitter.
    static let stallThresholdMs: UInt64 = 300
    /// Entries kept per list, so a game on a flaky link for hours does not grow without bound.
    static let capacity = 100

    /// When the newest tick last moved: the last sign of life of the host's game.
    var lastProgressMs: UInt64? { lastProgress?.atMs }

    static var nowMs: UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }

    mutating func interrupted() { append(Self.nowMs, to: &interruptedAtMs) }
    mutating func resumed() { append(Self.nowMs, to: &resumedAtMs) }

    /// The newest host tick this client knows, once a frame: when it moves after standing
    /// still for ``stallThresholdMs``, a stall ended.
    mutating func note(newestTick tick: Int?) {
        guard let tick else { return }
        let now = Self.nowMs
        guard let last = lastProgress else {
            lastProgress = (tick, now)
            return
        }
        guard tick != last.tick else { return }
        if now - last.atMs >= Self.stallThresholdMs, snapshotStalls.count < Self.capacity {
            snapshotStalls.append(SessionReport.Stall(silentFromMs: last.atMs, resumedAtMs: now))
        }
        lastProgress = (tick, now)
    }

    private func append(_ value: UInt64, to list: inout [UInt64]) {
        if list.count < Self.capacity { list.append(value) }
    }
}

extension SessionReport {
    mutating func record(_ log: ReconnectLog) {
        interruptedAtMs = log.interruptedAtMs
        resumedAtMs = log.resumedAtMs
        snapshotStalls = log.snapshotStalls
    }
}
