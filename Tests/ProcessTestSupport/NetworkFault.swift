import Foundation

/// What real players' networks and machines do to a game, done to real processes: the faults
/// of the resume tests (issue 16), and when each began and ended on the wall clock that every
/// process on the machine shares.
public enum NetworkFault: String, CaseIterable, Sendable {
    /// The client's link goes down for ``linkDownSeconds`` (a pulled cable, a Wi-Fi drop).
    case linkDown
    /// The client's address changes mid-game; the host must follow it.
    case addressChange
    /// The host process is stopped (SIGSTOP) for ``stopSeconds``, as at a breakpoint.
    case hostStopped
    /// The client process is stopped for ``stopSeconds``.
    case clientStopped

    public static let linkDownSeconds = 10
    public static let stopSeconds = 15
    /// The longest fault, for sizing runs.
    public static let longestSeconds = max(linkDownSeconds, stopSeconds)

    /// Link and address faults need a client in a network namespace of its own.
    public var needsNamespaces: Bool { self == .linkDown || self == .addressChange }

    /// When a fault happened, in milliseconds since 1970.
    public struct Window: Sendable {
        public var startMs: UInt64 = 0
        public var endMs: UInt64 = 0
        /// The client's new address (``NetworkFault/addressChange``).
        public var movedTo: String?

        public init() {}
    }

    public static var nowMs: UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }

    /// Does the fault to the client on `lab`'s first link or to the process with the given id,
    /// blocking until it is over (link up again, process continued, address moved). The window
    /// ends when the link is asked up, when SIGCONT is sent, or when the address has moved.
    public func inject(lab: NamespaceLab?, host: pid_t, client: pid_t) throws -> Window {
        var window = Window()
        window.startMs = Self.nowMs
        switch self {
        case .linkDown:
            try lab?.setLink(0, up: false)
            sleep(UInt32(Self.linkDownSeconds))
            // Timed from the moment the link is asked up: `ip` returns to a test that polls for
            // its exit, tens of milliseconds after the link is really up.
            window.endMs = Self.nowMs
            try lab?.setLink(0, up: true)
            return window
        case .addressChange:
            window.movedTo = try lab?.moveClientAddress(0)
        case .hostStopped, .clientStopped:
            let pid = self == .hostStopped ? host : client
            kill(pid, SIGSTOP)
            sleep(UInt32(Self.stopSeconds))
            kill(pid, SIGCONT)
        }
        window.endMs = Self.nowMs
        return window
    }

    /// Namespace tags of resume drills: clear of the discovery tests' (0–8 after the process's
    /// own base), and of each other's (`range` 1 and 2; 3 is the path-MTU test's), so drills
    /// can run at the same time.
    public static func namespaceTag(range: Int, index: Int) -> Int {
        range * 10_000 + Int(getpid() % 900) * 10 + index
    }
}

/// Runs blocking jobs (drills that wait on processes) each on its own thread, and returns
/// their results in order; nil for a job that had not finished by `timeout`.
public func runAtOnce<Result: Sendable>(
    _ count: Int, timeout: Duration, _ job: @escaping @Sendable (Int) -> Result
) -> [Result?] {
    let results = LockedResults<Result>(count: count)
    let group = DispatchGroup()
    for index in 0..<count {
        DispatchQueue.global().async(group: group) { results.set(index, job(index)) }
    }
    _ = group.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds) * 1000))
    return results.values
}

/// Results written from several threads.
private final class LockedResults<Result: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: [Result?]

    init(count: Int) { stored = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result) {
        lock.lock()
        defer { lock.unlock() }
        stored[index] = result
    }

    var values: [Result?] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
