import NetplayChannels
import NetplayLinkConditioner

/// A deterministic soak of the channel layer: two ``ChannelEndpoint``s joined by a
/// ``MemoryNetwork`` in virtual time, each sending a stream of checkable messages on every
/// channel to the other, which verifies each delivery.
///
/// Every reliable message must arrive exactly once, byte-identical, and in order on ordered
/// channels; an unreliable-sequenced channel must never go backwards; nothing may arrive
/// that was not sent. The test suite runs a small one; `netplay soak` runs the million.
///
/// ```swift
/// let report = ChannelSoak.run(ChannelSoak.Configuration(messageCount: 1_000_000))
/// if !report.isClean { print(report.violations) }
/// ```
package enum ChannelSoak {
    /// What to run.
    package struct Configuration: Sendable {
        /// Messages in total, spread evenly over the channels (and the two directions).
        package var messageCount: Int
        /// Whether both ends send (half the messages each) or only the first.
        var bidirectional: Bool
        /// The conditions of both directions of the link.
        package var impairment: LinkImpairment
        /// The channels; two of each kind by default.
        package var layout: ChannelLayout
        /// Fixes every random decision of the run.
        package var seed: UInt64
        /// About one message in this many is large enough to be fragmented.
        var largeMessageEvery: Int
        /// The endpoints' configuration (its layout is replaced by ``layout``).
        package var channelConfig: ChannelConfig
        /// The run stops, with a violation, if it has not finished by this virtual time.
        var virtualTimeLimit: Duration

        /// Creates a configuration; the defaults are the soak bar of the channels issue.
        package init(
            messageCount: Int = 1_000_000,
            bidirectional: Bool = true,
            impairment: LinkImpairment = ChannelSoak.soakImpairment,
            layout: ChannelLayout = ChannelLayout([
                .reliableOrdered, .reliableOrdered, .reliableUnordered, .reliableUnordered,
                .unreliable, .unreliable, .unreliableSequenced, .unreliableSequenced,
            ]),
            seed: UInt64 = 1,
            largeMessageEvery: Int = 500,
            channelConfig: ChannelConfig = ChannelSoak.defaultChannelConfig,
            virtualTimeLimit: Duration = .seconds(100_000)
        ) {
            self.messageCount = messageCount
            self.bidirectional = bidirectional
            self.impairment = impairment
            self.layout = layout
            self.seed = seed
            self.largeMessageEvery = largeMessageEvery
            self.channelConfig = channelConfig
            self.virtualTimeLimit = virtualTimeLimit
        }
    }

    /// Counts for all channels of one kind.
    package struct KindCounts: Sendable, Hashable {
        /// An empty tally.
        package init() {}

        /// Messages enqueued.
        package var sent = 0
        /// Distinct messages delivered.
        package var delivered = 0
        /// Deliveries of a message already delivered.
        package var duplicated = 0
        /// Deliveries out of order on an ordered channel, or backwards on a sequenced one.
        package var outOfOrder = 0
        /// Deliveries whose bytes match no message sent.
        package var corrupted = 0
    }

    /// The outcome of a run.
    package struct Report: Sendable {
        /// Per channel kind.
        package var counts: [ChannelKind: KindCounts]
        /// The first few violations, described.
        package var violations: [String]
        /// Every violation counted.
        package var violationCount: Int
        /// Virtual time the run took.
        package var virtualDuration: Duration
        /// The first endpoint's view at the end.
        var senderStatistics: ChannelStatistics
        /// The second endpoint's view at the end (the only receiver when not bidirectional).
        var receiverStatistics: ChannelStatistics

        /// Whether the run met every guarantee.
        package var isClean: Bool { violationCount == 0 }
    }

    /// The soak bar: 100 ± 50 ms one way, 20 % loss, 5 % duplication, 5 % reordered by an
    /// extra 40 ms (jitter reorders far more).
    package static let soakImpairment = LinkImpairment(
        latency: .milliseconds(100),
        jitter: .milliseconds(50),
        lossProbability: 0.20,
        duplicationProbability: 0.05,
        reordering: LinkImpairment.Reordering(probability: 0.05, extraDelay: .milliseconds(40))
    )

    /// Queues of 64 KiB per channel: enough to keep the link busy, small enough that
    /// unreliable messages do not sit queued for minutes.
    static let defaultChannelConfig: ChannelConfig = {
        var config = ChannelConfig()
        config.maxQueuedBytesPerChannel = 64 << 10
        return config
    }()

    /// Runs the soak to completion (or to the virtual time limit).
    package static func run(_ configuration: Configuration) -> Report {
        var run = SoakRun(configuration)
        run.execute()
        return run.report()
    }
}
