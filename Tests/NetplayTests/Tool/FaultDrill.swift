import Foundation
import ProcessTestSupport

/// One fault injected between a `netplay host` and a `netplay stream` client, both real
/// processes on real sockets, and what each printed: the stream runs 50 numbered reliable
/// messages a second each way throughout, and each side prints its stalls and its
/// interruptions with wall-clock times, which the test lines up with when the fault ended.
struct FaultDrill: Sendable {
    let fault: NetworkFault
    var hostOutput = ""
    var clientOutput = ""
    var window = NetworkFault.Window()
    /// Why the drill could not run (no root, no `ip`), if it could not.
    var unavailable: String?
    /// What went wrong running it (a process that never started), if anything.
    var failure: String?

    /// Play before the fault, so both streams are flowing and round trips measured.
    static let secondsBefore = 3
    /// Play after the longest fault, so the backlog and fresh messages are both checked.
    static let secondsAfter = 6
    static let streamSeconds = secondsBefore + NetworkFault.longestSeconds + secondsAfter
    static let rate = 50

    static let netplay = ProcessHarness.product("netplay")

    /// Runs the drill to the end (blocking; every wait bounded). `index` keeps namespace
    /// names apart from other drills running at the same time; over loopback the host takes
    /// any free port and says which.
    static func run(_ fault: NetworkFault, index: Int) -> FaultDrill {
        var drill = FaultDrill(fault: fault)
        var lab: NamespaceLab?
        if fault.needsNamespaces {
            let (made, reason) = NamespaceLab.make(
                .subnetRouteOnly, tag: NetworkFault.namespaceTag(range: 1, index: index))
            guard let made else {
                drill.unavailable = reason
                return drill
            }
            lab = made
        }
        defer { lab?.tearDown() }
        let hostArguments = ["host", "--discovery", "none", "--json", "--stats-interval", "0", "--duration", "120"]
        let streamArguments = ["--rate", "\(rate)", "--duration", "\(streamSeconds)", "--json"]
        let host: BackgroundProcess
        let client: BackgroundProcess
        do {
            if let lab {
                host = try lab.start(in: lab.host, [netplay] + hostArguments)
                _ = host.waitFor("hosting")
                client = try lab.start(
                    in: lab.clients[0], [netplay, "stream", "\(lab.hostAddresses[0]):7777"] + streamArguments)
            } else {
                host = try BackgroundProcess(netplay, hostArguments + ["--interface", "127.0.0.1", "--port", "0"])
                guard host.waitFor("hosting"), let port = events(host.output).first?["port"] as? Int else {
                    host.stop()
                    drill.failure = "the host did not start: \(host.output)"
                    return drill
                }
                client = try BackgroundProcess(netplay, ["stream", "127.0.0.1:\(port)"] + streamArguments)
            }
        } catch {
            drill.failure = "could not start: \(error)"
            return drill
        }
        drive(lab: lab, host: host, client: client, into: &drill)
        client.stop()
        host.stop()
        drill.hostOutput = host.output
        drill.clientOutput = client.output
        return drill
    }

    /// Lets the stream run, injects the fault, and waits for the stream to end.
    private static func drive(
        lab: NamespaceLab?, host: BackgroundProcess, client: BackgroundProcess, into drill: inout FaultDrill
    ) {
        guard client.waitFor("\"connected\"") else {
            drill.failure = "the stream never connected"
            return
        }
        sleep(UInt32(secondsBefore))
        let (hostID, clientID) = (host.process.processIdentifier, client.process.processIdentifier)
        do {
            drill.window = try drill.fault.inject(lab: lab, host: hostID, client: clientID)
        } catch {
            drill.failure = "could not inject \(drill.fault): \(error)"
            kill(hostID, SIGCONT)
            kill(clientID, SIGCONT)
            return
        }
        if !client.waitForExit(timeout: .seconds(streamSeconds + 60)) { drill.failure = "the stream never ended" }
    }
}

extension FaultDrill {
    /// The JSON lines a process printed.
    static func events(_ output: String) -> [[String: Any]] {
        output.split(separator: "\n").compactMap { line in
            guard let data = line.data(using: .utf8) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    var clientEvents: [[String: Any]] { Self.events(clientOutput) }
    var hostEvents: [[String: Any]] { Self.events(hostOutput) }
    var summary: [String: Any]? { clientEvents.last { $0["event"] as? String == "summary" } }

    /// How soon one side's stream came back after the fault ended: the first message, and the
    /// last of the backlog queued during the fault, in ms after the fault ended.
    struct TimeBack: CustomStringConvertible {
        var stalledMs: Int
        var firstMessageMs: Int
        var backlogDeliveredMs: Int
        var backlog: Int

        var description: String {
            "stalled \(stalledMs) ms; first message \(firstMessageMs) ms and all \(backlog) queued "
                + "\(backlogDeliveredMs) ms after the fault ended"
        }
    }

    /// The longest stall a side printed that overlaps the fault, if any.
    func timeBack(in events: [[String: Any]]) -> TimeBack? {
        let (start, end) = (Int64(window.startMs), Int64(window.endMs))
        let stalls = events.filter { $0["event"] as? String == "stall" }.compactMap { stall -> TimeBack? in
            guard let silentFrom = (stall["silentFromMs"] as? NSNumber)?.int64Value,
                let resumedAt = (stall["resumedAtMs"] as? NSNumber)?.int64Value,
                let delivered = (stall["backlogDeliveredAtMs"] as? NSNumber)?.int64Value,
                let backlog = stall["backlog"] as? Int,
                resumedAt >= start, silentFrom <= end
            else { return nil }
            return TimeBack(
                stalledMs: Int(resumedAt - silentFrom), firstMessageMs: Int(resumedAt - end),
                backlogDeliveredMs: Int(delivered - end), backlog: backlog)
        }
        return stalls.max { $0.stalledMs < $1.stalledMs }
    }

    func count(_ event: String, in events: [[String: Any]]) -> Int {
        events.filter { $0["event"] as? String == event }.count
    }
}
