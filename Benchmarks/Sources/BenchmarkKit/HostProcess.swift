import Foundation

/// Figure 5's host runs in a child process (this same executable, `netplay-bench host …`),
/// so its RSS and CPU time are the host's alone, not the clients'.
///
/// The child prints one line per fact on stdout (`port 4242`, then `idle …` or `load …`)
/// and stops when its stdin says `quit`, closes, or ``maxLifetimeSeconds`` pass.
public enum HostProcess {
    /// What the host is measured for.
    public enum Mode: String, Sendable {
        /// RSS per idle connection with ``Workload/idleClients`` clients.
        case idle
        /// CPU for ``Workload/loadClients`` clients sending inputs while the host sends snapshots.
        case load
    }

    /// The host's figures.
    public struct Measurement: Sendable {
        /// RSS with the clients connected and idle − RSS before the host existed.
        public var idleGrowthBytes: Double?
        /// ``idleGrowthBytes`` / clients.
        public var bytesPerIdleConnection: Double?
        /// Host CPU time over wall time, in percent of one core.
        public var cpuPercentOfCore: Double?
        /// Inputs the host received per second while measured (should be clients × 60).
        public var inputsPerSecond: Double?
    }

    /// A child that has not finished after this long is killed.
    static let maxLifetimeSeconds = 120.0

    // MARK: Child side

    /// Runs the host in this (child) process and reports on stdout.
    public static func runChild(_ contender: any Contender, mode: Mode, clients: Int) throws {
        let residentBefore = ProcessResources.residentBytes()
        guard let host = try contender.makeLoadHost(maxClients: clients) else {
            report("n/a")
            return
        }
        defer { host.close() }
        report("port \(host.port)")
        let stdinReader = LineReader(descriptor: STDIN_FILENO)
        let framesPerSnapshot = Int((Workload.hostFrameHertz / Workload.snapshotHertz).rounded())
        let started = Stopwatch.nanoseconds()
        var pacer = FramePacer(hertz: Workload.hostFrameHertz)
        var allConnectedAt: UInt64?
        var measureStart: (cpu: Double, wall: UInt64, inputs: Int)?
        var reported = false
        while Stopwatch.seconds(since: started) < maxLifetimeSeconds {
            pacer.waitForNextFrame()
            try host.frame(sendSnapshot: mode == .load && pacer.isEvery(framesPerSnapshot))
            if let line = stdinReader.nextLine(deadline: Stopwatch.nanoseconds()), line == "quit" { break }
            if stdinReader.reachedEnd { break }
            guard !reported else { continue }
            if allConnectedAt == nil, host.connectedClients >= clients { allConnectedAt = Stopwatch.nanoseconds() }
            guard let connectedAt = allConnectedAt else { continue }
            switch mode {
            case .idle:
                guard Stopwatch.seconds(since: connectedAt) >= Workload.idleSettleSeconds else { continue }
                report("idle \(residentBefore) \(ProcessResources.residentBytes()) \(host.connectedClients)")
                reported = true
            case .load:
                if measureStart == nil, Stopwatch.seconds(since: connectedAt) >= Workload.loadWarmUpSeconds {
                    measureStart = (ProcessResources.cpuSeconds(), Stopwatch.nanoseconds(), host.inputsReceived)
                }
                guard let start = measureStart, Stopwatch.seconds(since: start.wall) >= Workload.loadMeasureSeconds
                else { continue }
                let wall = Stopwatch.seconds(since: start.wall)
                report(
                    "load \(ProcessResources.cpuSeconds() - start.cpu) \(wall) \(host.inputsReceived - start.inputs) \(host.connectedClients)"
                )
                reported = true
            }
        }
    }

    /// Prints a line for the parent and pushes it through at once: into a pipe, stdout is
    /// block-buffered. (`fflush(nil)` flushes every stream without naming the global `stdout`.)
    public static func report(_ line: String) {
        print(line)
        fflush(nil)
    }

    // MARK: Parent side

    /// Starts the child host, connects `clients` clients to it from this process, drives them
    /// at the input rate until the child reports, and returns its figures.
    public static func measure(_ contender: any Contender, contenderKey: String, mode: Mode, clients: Int) throws
        -> Measurement
    {
        let process = Process()
        let environment = ProcessInfo.processInfo.environment
        // `host-instructions.sh`: the child under callgrind, possibly another build's binary.
        let binary =
            environment["NETPLAY_BENCH_HOST_BINARY"]
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let wrapper = environment["NETPLAY_BENCH_HOST_WRAPPER"].map { $0.split(separator: " ").map(String.init) } ?? []
        process.executableURL = URL(fileURLWithPath: wrapper.isEmpty ? binary : "/usr/bin/env")
        process.arguments =
            (wrapper.isEmpty ? [] : wrapper + [binary]) + ["host", contenderKey, mode.rawValue, String(clients)]
        let toChild = Pipe()
        let fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        try process.run()
        defer {
            try? toChild.fileHandleForWriting.write(contentsOf: Array("quit\n".utf8))
            try? toChild.fileHandleForWriting.close()
            let exitDeadline = Stopwatch.nanoseconds() + UInt64(Workload.waitTimeoutSeconds * 1e9)
            while process.isRunning, Stopwatch.nanoseconds() < exitDeadline { usleep(10_000) }
            if process.isRunning { process.terminate() }
        }
        let reader = LineReader(descriptor: fromChild.fileHandleForReading.fileDescriptor)
        let waitNanoseconds = UInt64(Workload.waitTimeoutSeconds * 1e9)
        guard let portLine = reader.nextLine(deadline: Stopwatch.nanoseconds() + waitNanoseconds) else {
            throw BenchmarkError.child("no port line")
        }
        // The contender has no host for this figure.
        if portLine == "n/a" { return Measurement() }
        let portFields = portLine.split(separator: " ")
        guard portFields.first == "port", portFields.count == 2, let port = UInt16(portFields[1]) else {
            throw BenchmarkError.child(portLine)
        }
        let fleet = try contender.makeLoadClients(count: clients, port: port)
        defer { fleet.close() }
        try fleet.connectAll(deadline: Stopwatch.nanoseconds() + 3 * waitNanoseconds)
        var pacer = FramePacer(hertz: Workload.inputHertz)
        let runDeadline = Stopwatch.nanoseconds() + UInt64(Workload.runTimeoutSeconds * 1e9)
        while Stopwatch.nanoseconds() < runDeadline {
            pacer.waitForNextFrame()
            try fleet.frame(sendInput: mode == .load)
            guard let line = reader.nextLine(deadline: Stopwatch.nanoseconds()) else {
                if reader.reachedEnd { throw BenchmarkError.child("exited before reporting") }
                continue
            }
            try holdLoad(fleet, sendInput: mode == .load)
            return try parse(line, clients: clients)
        }
        throw BenchmarkError.timedOut("host report")
    }

    /// With `NETPLAY_BENCH_LOAD_HOLD_SECONDS`, keeps the clients sending that long after the
    /// child reported (it keeps serving them): a steady window for `host-instructions.sh` to
    /// measure the child in, announced on stderr.
    private static func holdLoad(_ fleet: any LoadClients, sendInput: Bool) throws {
        guard let seconds = ProcessInfo.processInfo.environment["NETPLAY_BENCH_LOAD_HOLD_SECONDS"].flatMap(Double.init)
        else { return }
        try? FileHandle.standardError.write(contentsOf: Data("holding load \(seconds) s\n".utf8))
        var pacer = FramePacer(hertz: Workload.inputHertz)
        let end = Stopwatch.nanoseconds() + UInt64(seconds * 1e9)
        while Stopwatch.nanoseconds() < end {
            pacer.waitForNextFrame()
            try fleet.frame(sendInput: sendInput)
        }
        try? FileHandle.standardError.write(contentsOf: Data("load released\n".utf8))
    }

    private static func parse(_ line: String, clients: Int) throws -> Measurement {
        let fields = line.split(separator: " ").map(String.init)
        let numbers = fields.dropFirst().compactMap(Double.init)
        switch fields.first {
        case "idle" where numbers.count == 3:
            let growth = numbers[1] - numbers[0]
            return Measurement(idleGrowthBytes: growth, bytesPerIdleConnection: growth / Double(clients))
        case "load" where numbers.count == 4:
            return Measurement(
                cpuPercentOfCore: 100 * numbers[0] / numbers[1], inputsPerSecond: numbers[2] / numbers[1])
        default:
            throw BenchmarkError.child(line)
        }
    }
}
