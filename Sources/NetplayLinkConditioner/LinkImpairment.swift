/// How bad one direction of a simulated network link is: delay, jitter, loss (independent and
/// in bursts), duplication, reordering, corruption and a bandwidth cap.
///
/// Used by ``LinkConditioner`` (and thus ``MemoryNetwork`` and ``UDPDriver``) to reproduce the
/// conditions of a real connection — a Wi-Fi link at the edge of range, a congested mobile
/// uplink — in a test or on a developer's desk, the way `netem` or `clumsy` do. Probabilities
/// are per datagram and clamped to 0…1; negative durations count as zero.
public struct LinkImpairment: Sendable, Hashable {
    /// The shape of the random part of the delay.
    public enum JitterDistribution: Sendable, Hashable {
        /// Every delay in `latency ± jitter` is equally likely.
        case uniform
        /// Delays cluster around `latency` with standard deviation `jitter / 3`, cut off at
        /// `± jitter`: most packets arrive near the mean, a few late or early (closer to what
        /// real queues produce).
        case normal
    }

    /// Loss that comes in runs (Gilbert–Elliott model): a link is either good or bad, and while
    /// it is bad every datagram is lost. Real links lose packets this way (a microwave oven, a
    /// Wi-Fi roam, a full router queue), which hurts far more than the same rate spread evenly.
    public struct BurstLoss: Sendable, Hashable {
        /// Chance, per datagram sent while the link is good, that a loss burst starts.
        public var entryProbability: Double
        /// Mean number of consecutive datagrams lost once a burst has started (≥ 1).
        public var meanBurstLength: Double

        /// Creates a burst-loss model.
        public init(entryProbability: Double, meanBurstLength: Double) {
            self.entryProbability = entryProbability
            self.meanBurstLength = meanBurstLength
        }
    }

    /// Datagrams held back so that later ones overtake them, as multi-path routing and
    /// Wi-Fi retransmission do.
    public struct Reordering: Sendable, Hashable {
        /// Chance that a datagram is held back.
        public var probability: Double
        /// How much longer a held-back datagram takes than its neighbours.
        public var extraDelay: Duration

        /// Creates a reordering model.
        public init(probability: Double, extraDelay: Duration) {
            self.probability = probability
            self.extraDelay = extraDelay
        }
    }

    /// A bottleneck: datagrams are serialized at `bitsPerSecond` through a queue, and a
    /// datagram that would wait longer than `maxQueueDelay` is dropped (tail drop, as a router
    /// with a bounded buffer does). Only payload bytes count, not IP/UDP headers.
    public struct BandwidthCap: Sendable, Hashable {
        /// Link capacity, in bits per second (≥ 1).
        public var bitsPerSecond: Int
        /// Longest time a datagram may wait in the queue before it is dropped instead.
        public var maxQueueDelay: Duration

        /// Creates a bandwidth cap.
        public init(bitsPerSecond: Int, maxQueueDelay: Duration = .milliseconds(250)) {
            self.bitsPerSecond = bitsPerSecond
            self.maxQueueDelay = maxQueueDelay
        }
    }

    /// One-way base delay added to every datagram.
    public var latency: Duration
    /// Largest random deviation from `latency`, either way (delay never goes below zero).
    /// Jitter alone can reorder datagrams, as it does under `netem`.
    public var jitter: Duration
    /// Shape of the jitter.
    public var jitterDistribution: JitterDistribution
    /// Chance that a datagram is lost, independently of every other.
    public var lossProbability: Double
    /// Loss in runs, or `nil` for none.
    public var burstLoss: BurstLoss?
    /// Chance that a datagram arrives twice (the copy gets its own delay).
    public var duplicationProbability: Double
    /// Held-back datagrams, or `nil` for none.
    public var reordering: Reordering?
    /// Chance that one random bit of a datagram is flipped.
    public var corruptionProbability: Double
    /// A bandwidth bottleneck, or `nil` for unlimited.
    public var bandwidth: BandwidthCap?

    /// Creates an impairment; every parameter defaults to "no impairment".
    public init(
        latency: Duration = .zero,
        jitter: Duration = .zero,
        jitterDistribution: JitterDistribution = .uniform,
        lossProbability: Double = 0,
        burstLoss: BurstLoss? = nil,
        duplicationProbability: Double = 0,
        reordering: Reordering? = nil,
        corruptionProbability: Double = 0,
        bandwidth: BandwidthCap? = nil
    ) {
        self.latency = latency
        self.jitter = jitter
        self.jitterDistribution = jitterDistribution
        self.lossProbability = lossProbability
        self.burstLoss = burstLoss
        self.duplicationProbability = duplicationProbability
        self.reordering = reordering
        self.corruptionProbability = corruptionProbability
        self.bandwidth = bandwidth
    }
}

extension LinkImpairment {
    /// A wire that delivers everything instantly, once, intact and in order.
    public static let perfect = LinkImpairment()

    /// A wired or good Wi-Fi LAN: about a millisecond, a little jitter, no loss.
    public static let lan = LinkImpairment(latency: .milliseconds(1), jitter: .microseconds(500))

    /// An ordinary internet path with some trouble: 50 ms ± 10 ms one way, 5 % loss.
    /// A game should feel fine here; if it does not, its protocol needs work.
    static let lossy = LinkImpairment(
        latency: .milliseconds(50),
        jitter: .milliseconds(10),
        jitterDistribution: .normal,
        lossProbability: 0.05
    )

    /// A bad mobile or congested link: 150 ms ± 50 ms, 10 % loss plus bursts, duplicates,
    /// reordering, occasional corruption and a 1 Mbit/s bottleneck. A game should stay
    /// playable — degraded, never stuck or crashed.
    public static let terrible = LinkImpairment(
        latency: .milliseconds(150),
        jitter: .milliseconds(50),
        jitterDistribution: .normal,
        lossProbability: 0.10,
        burstLoss: BurstLoss(entryProbability: 0.02, meanBurstLength: 5),
        duplicationProbability: 0.02,
        reordering: Reordering(probability: 0.05, extraDelay: .milliseconds(40)),
        corruptionProbability: 0.005,
        bandwidth: BandwidthCap(bitsPerSecond: 1_000_000, maxQueueDelay: .milliseconds(300))
    )
}

/// Which datagrams of a socket an impairment applies to.
public enum LinkDirection: Sendable, Hashable {
    /// Datagrams the socket sends.
    case outbound
    /// Datagrams the socket receives.
    case inbound
}
