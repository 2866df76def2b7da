import Foundation
import ProcessTestSupport
import Testing

/// Players who drop come back, with real processes on real sockets: a link down for 10 s, a
/// client whose address changes, the host and a client each stopped (SIGSTOP) for 15 s. A
/// `netplay stream` client and a `netplay host` send 50 numbered reliable messages a second
/// each way throughout; after each fault both streams must come back within 1 s of the fault
/// ending and every number must arrive exactly once, in order. The drills run at the same
/// time, each with its own processes (and namespaces), to keep the suite short. The figures
/// printed are the README's time-back figures.
@Suite("Resume with real processes")
struct ResumeProcessTests {
    /// The issue's bar: both sides play again within 1 s of the link returning or the process
    /// continuing.
    static let timeBackLimitMs = 1_000
    /// Sent each way at least (50 a second for the stream's length, less start-up and a stop).
    static let minimumMessages = FaultDrill.rate * (FaultDrill.streamSeconds - NetworkFault.stopSeconds) / 2

    @Test func everyFaultResumesWithinASecondWithExactReliableCounts() throws {
        let faults = NetworkFault.allCases
        // Each drill bounds its own waits; this only guards against a bug in them.
        let drills = runAtOnce(faults.count, timeout: .seconds(FaultDrill.streamSeconds + 180)) { index in
            FaultDrill.run(faults[index], index: index)
        }
        for (fault, drill) in zip(faults, drills) {
            guard let drill else {
                Issue.record("\(fault): the drill did not finish")
                continue
            }
            if let reason = drill.unavailable {
                withKnownIssue("\(fault) needs network namespaces: \(reason)") { throw NetnsUnavailable() }
                continue
            }
            check(drill)
        }
    }

    private func check(_ drill: FaultDrill) {
        let fault = drill.fault
        let context = "\(fault)\nclient: \(drill.clientOutput)\nhost: \(drill.hostOutput)"
        #expect(drill.failure == nil, "\(drill.failure ?? "")\n\(context)")
        guard let summary = drill.summary else {
            Issue.record("\(fault): no summary\n\(context)")
            return
        }
        // Exact reliable counts, both ways.
        #expect(summary["passed"] as? Bool == true, "\(context)")
        #expect(summary["disconnect"] is NSNull, "\(context)")
        let sent = summary["sent"] as? Int ?? 0
        let hostSent = summary["hostSent"] as? Int ?? 0
        #expect(summary["hostReceived"] as? Int == sent && summary["received"] as? Int == hostSent, "\(context)")
        #expect(sent >= Self.minimumMessages && hostSent >= Self.minimumMessages, "\(context)")

        let clientBack = drill.timeBack(in: drill.clientEvents)
        let hostBack = drill.timeBack(in: drill.hostEvents)
        print(
            "time back after \(fault) (fault \(drill.window.endMs - drill.window.startMs) ms): "
                + "client: \(clientBack?.description ?? "no stall"); host: \(hostBack?.description ?? "no stall"); "
                + "counts: client sent \(sent), host sent \(hostSent), every one received once, in order")
        switch fault {
        case .addressChange:
            // The host follows the client to its new address (after the path challenge there).
            let moved = drill.hostEvents.first { $0["event"] as? String == "moved" }
            let movedTo = drill.window.movedTo ?? "?"
            #expect((moved?["to"] as? String)?.hasPrefix("\(movedTo):") == true, "\(context)")
            if let at = (moved?["atMs"] as? NSNumber)?.int64Value {
                // From the start of the move: the client's source changes while `ip` is still busy.
                print(
                    "address change: the host followed the client to \(movedTo) "
                        + "\(at - Int64(drill.window.startMs)) ms after the move began "
                        + "(the move took \(drill.window.endMs - drill.window.startMs) ms)")
            }
            for back in [clientBack, hostBack].compactMap({ $0 }) {
                #expect(back.firstMessageMs <= Self.timeBackLimitMs, "\(back)\n\(context)")
            }
        case .linkDown, .hostStopped, .clientStopped:
            for (side, back) in [("client", clientBack), ("host", hostBack)] {
                guard let back else {
                    Issue.record("\(fault): the \(side) printed no stall\n\(context)")
                    continue
                }
                #expect(back.firstMessageMs <= Self.timeBackLimitMs, "\(side): \(back)\n\(context)")
                #expect(back.backlogDeliveredMs <= Self.timeBackLimitMs, "\(side): \(back)\n\(context)")
            }
            // The side that was not paused saw the other go quiet, and come back.
            let watcher = fault == .hostStopped ? drill.clientEvents : drill.hostEvents
            #expect(drill.count("interrupted", in: watcher) >= 1, "\(context)")
            #expect(drill.count("resumed", in: watcher) >= 1, "\(context)")
        }
    }
}
