import Foundation

/// A background process whose output is collected; every wait is bounded. Shared by the test
/// targets that run the built tools (`netplay`, `skirmish`) as real processes.
public final class BackgroundProcess: @unchecked Sendable {
    // @unchecked: `collected` is only touched under `lock`; `process` is driven from the
    // test's task alone (start, wait, stop), never concurrently.
    public let process = Process()
    private let lock = NSLock()
    private var collected = Data()

    /// Starts `executable` with `arguments`, collecting its standard output and error.
    public init(_ executable: String, _ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            self.collected.append(data)
            self.lock.unlock()
        }
        try process.run()
    }

    /// Everything the process has written so far.
    public var output: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self)
    }

    /// Waits (bounded) until the output contains `text`.
    public func waitFor(_ text: String, timeout: Duration = .seconds(20)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Waits (bounded) for the process to exit; returns whether it did.
    public func waitForExit(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { usleep(20_000) }
        return !process.isRunning
    }

    /// Interrupts the process (SIGINT, so it can shut down cleanly), then terminates it if
    /// it has not exited within 3 s.
    public func stop() {
        if process.isRunning {
            process.interrupt()
            if !waitForExit(timeout: .seconds(3)) { process.terminate() }
        }
        process.waitUntilExit()
    }
}
