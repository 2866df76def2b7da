#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP ask the game to stop cleanly, so the loop restores the
/// terminal and a host can tell its players it ended the game.
enum StopSignal {
    static func install() -> StopFlag {
        signal(SIGINT) { _ in stopFlag.set() }
        signal(SIGTERM) { _ in stopFlag.set() }
        signal(SIGHUP) { _ in stopFlag.set() }
        return stopFlag
    }
}

/// The one flag the signal handlers set: a lock-free atomic, safe to touch from a handler.
let stopFlag = StopFlag()

/// A flag set once from any thread (or a signal handler) and polled by the game loop.
final class StopFlag: Sendable {
    private let storage = Atomic<Bool>(false)

    func set() { storage.store(true, ordering: .relaxed) }

    var requested: Bool { storage.load(ordering: .relaxed) }
}
