import Foundation
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

extension ChannelTests {
    @Suite("Soak")
    struct SoakTests {
        /// The issue's million messages (about 10 s in a debug build); `NETPLAY_SOAK_MESSAGES`
        /// changes it, e.g. for a quick local run.
        static var messageCount: Int {
            Int(ProcessInfo.processInfo.environment["NETPLAY_SOAK_MESSAGES"] ?? "") ?? 1_000_000
        }

        @Test("every reliable message exactly once and in order; sequenced never backwards; nothing unsent")
        func soakUnderTheIssueImpairment() async {
            let clock = ContinuousClock()
            let started = clock.now
            let count = Self.messageCount
            let report = await offTheCooperativePool {
                ChannelSoak.run(ChannelSoak.Configuration(messageCount: count, seed: 42))
            }
            let elapsed = clock.now - started
            let summary = ChannelKind.allCases.map { kind in
                let c = report.counts[kind] ?? .init()
                return
                    "\(kind): sent \(c.sent) delivered \(c.delivered) dup \(c.duplicated) ooo \(c.outOfOrder) corrupt \(c.corrupted)"
            }.joined(separator: "; ")
            print(
                "soak \(Self.messageCount) messages: \(elapsed) wall, \(report.virtualDuration) virtual; \(summary); sender resent \(report.senderStatistics.totals.resentPieces), receiver drops \(report.receiverStatistics.drops)"
            )
            #expect(report.isClean, "\(report.violations)")
            for kind in [ChannelKind.reliableOrdered, .reliableUnordered] {
                let counts = report.counts[kind] ?? .init()
                #expect(counts.delivered == counts.sent && counts.sent > 0)
            }
            let unreliable = report.counts[.unreliable] ?? .init()
            #expect(unreliable.delivered > 0 && unreliable.delivered < unreliable.sent)
        }
    }
}
