import Foundation

/// The sizes, counts and rates every contender is measured with, in one place so all of them
/// get exactly the same work.
public enum Workload {
    /// Payload of a small message, as the issue fixes it (an input or a small event).
    public static let messageBytes = 16

    /// Round trips per run; the p99 needs at least a few hundred beyond the median.
    public static let roundTripsPerRun = 2_000
    /// Round trips before timing starts: caches, branch predictors, lazily built tables.
    public static let warmUpRoundTrips = 200

    /// Messages per throughput run: enough for ~0.1 s at ENet's rate, short enough that a
    /// figure with 7 runs × 4 contenders stays under a minute.
    public static let throughputMessages = 200_000
    /// After the sender finishes, an unreliable receiver stops once nothing arrived for this
    /// long (what is still missing was lost).
    public static let unreliableQuietPeriodSeconds = 0.2

    /// The bulk transfer: 16 MiB as 1 MiB reliable messages.
    public static let bulkTotalBytes = 16 << 20
    public static let bulkMessageBytes = 1 << 20

    /// Sequential connect → first message → disconnect cycles per run.
    public static let connectionsPerRun = 50

    /// Idle clients for the memory figure (`NETPLAY_BENCH_IDLE_CLIENTS` for another count).
    public static let idleClients =
        ProcessInfo.processInfo.environment["NETPLAY_BENCH_IDLE_CLIENTS"].flatMap(Int.init) ?? 256
    /// Clients for the host-CPU figure (`NETPLAY_BENCH_LOAD_CLIENTS` for fewer, e.g. under callgrind).
    public static let loadClients =
        ProcessInfo.processInfo.environment["NETPLAY_BENCH_LOAD_CLIENTS"].flatMap(Int.init) ?? 64
    /// `NETPLAY_BENCH_LOAD_SPREAD=1`: the host-CPU figure's clients send their inputs spread
    /// evenly over each frame (``InputSpread``), as players' clocks are not in step, rather
    /// than one after another at the frame's start (the default, which the figure has always
    /// measured).
    public static let loadSpreadsInputs = ProcessInfo.processInfo.environment["NETPLAY_BENCH_LOAD_SPREAD"] == "1"
    /// `NETPLAY_BENCH_READ_COALESCING_US`: the Netplay load host's `readCoalescingDelay` in
    /// microseconds (0 turns it off), for a side-by-side run; nil keeps the library's default.
    public static let loadReadCoalescingMicroseconds =
        ProcessInfo.processInfo.environment["NETPLAY_BENCH_READ_COALESCING_US"].flatMap(Int.init)
    /// `NETPLAY_BENCH_SPIN_US`: every Netplay session's `spinBeforeSleeping` in microseconds
    /// (0: never spins, as ENet), for a side-by-side run with one binary, and for callgrind,
    /// whose counts must repeat (a spin's looks follow the timing); nil keeps the default.
    public static let spinBeforeSleepingMicroseconds =
        ProcessInfo.processInfo.environment["NETPLAY_BENCH_SPIN_US"].flatMap(Int.init)
    /// Each client's input rate and the host's snapshot rate to each client.
    public static let inputHertz = 60.0
    public static let snapshotHertz = 30.0
    /// A snapshot of a few entities for a small co-op game (positions, velocities, health).
    public static let snapshotBytes = 128
    /// The host's own frame rate: it drains the network and sends snapshots each frame.
    public static let hostFrameHertz = 60.0
    /// Load runs this long before CPU is sampled (connections settle, caches warm).
    public static let loadWarmUpSeconds = 1.0
    /// CPU is averaged over this window.
    public static let loadMeasureSeconds = 3.0
    /// Idle clients sit this long before RSS is read, so keepalives and lazy allocations
    /// have happened.
    public static let idleSettleSeconds = 1.5

    /// Upper bound on any single wait for the network (a lost handshake, a dead peer).
    public static let waitTimeoutSeconds = 10.0
    /// Upper bound on a whole measurement (a bulk transfer at a pathological rate), or
    /// `NETPLAY_BENCH_RUN_TIMEOUT` seconds: under callgrind a run is some 50 times slower.
    public static let runTimeoutSeconds =
        ProcessInfo.processInfo.environment["NETPLAY_BENCH_RUN_TIMEOUT"].flatMap(Double.init) ?? 60.0
}
