import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a flag the game loop polls, so a program
/// stops cleanly: a host calls `close()` and its players learn it shut down, instead of
/// waiting out a timeout; a terminal game restores the screen.
///
/// ```swift
/// let stop = StopSignal.install()
/// while !stop.requested { for event in host.poll() { … } }
/// await host.close()
/// ```
public enum StopSignal {
    /// Installs the handlers (idempotent) and returns the flag they set.
    public static func install() -> StopFlag {
        signal(SIGINT) { _ in stopFlag.set() }
        signal(SIGTERM) { _ in stopFlag.set() }
        signal(SIGHUP) { _ in stopFlag.set() }
        return stopFlag
    }
}

/// The one flag the signal handlers set: a lock-free atomic, safe to touch from a handler.
private let stopFlag = StopFlag()

/// A flag set once from any thread (or a signal handler) and polled by the game loop.
public final class StopFlag: Sendable {
    private let storage = Atomic<Bool>(false)

    /// Creates a flag that is not set.
    package init() {}

    /// Sets the flag.
    package func set() { storage.store(true, ordering: .relaxed) }

    /// Whether the flag has been set.
    public var requested: Bool { storage.load(ordering: .relaxed) }
}
