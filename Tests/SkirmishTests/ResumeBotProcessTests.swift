import Foundation
import ProcessTestSupport
import SkirmishNet
import Testing

/// Skirmish carries on through every fault of issue 16: a headless bot host and a headless
/// bot client, as real processes, through a stopped host, a stopped client (15 s each, over
/// loopback), a link down for 10 s and an address change (client in a network namespace of
/// its own). Both say "reconnecting…" while the other side is silent, and snapshots flow
/// again within 1 s of the fault ending. The drills run at the same time.
@Suite("Skirmish bots through network faults")
struct ResumeBotProcessTests {
    /// The issue's bar: the game plays again within 1 s of the link returning or the process
    /// continuing.
    static let timeBackLimitMs: Int64 = 1_000
    static let secondsBefore = 3
    static let secondsAfter = 6
    static let clientSeconds = secondsBefore + NetworkFault.longestSeconds + secondsAfter
    /// The host outlives the client, so it is the client that leaves.
    static let hostSeconds = clientSeconds + 10

    struct Drill: Sendable {
        let fault: NetworkFault
        var window = NetworkFault.Window()
        var host: SessionReport?
        var client: SessionReport?
        var hostOutput = ""
        var clientOutput = ""
        var unavailable: String?
        var failure: String?
    }

    @Test func botsPlayOnThroughEveryFault() throws {
        let faults = NetworkFault.allCases
        let drills = runAtOnce(faults.count, timeout: .seconds(Self.hostSeconds + 180)) { index in
            Self.run(faults[index], index: index)
        }
        for (fault, drill) in zip(faults, drills) {
            guard let drill else {
                Issue.record("\(fault): the drill did not finish")
                continue
            }
            if let reason = drill.unavailable {
                withKnownIssue("\(fault) needs network namespaces: \(reason)") { throw NamespacesUnavailable() }
                continue
            }
            check(drill)
        }
    }

    private func check(_ drill: Drill) {
        let fault = drill.fault
        let context = "\(fault)\nclient: \(drill.clientOutput)\nhost: \(drill.hostOutput)"
        #expect(drill.failure == nil, "\(drill.failure ?? "")\n\(context)")
        guard let host = drill.host, let client = drill.client else {
            Issue.record("\(fault): a report is missing\n\(context)")
            return
        }
        #expect(!host.disconnected && !client.disconnected, "\(context)")
        let end = Int64(drill.window.endMs)
        // The client's game stands still while the host's snapshots cannot reach it, and moves
        // again within the bar once the fault is over.
        let stall = client.snapshotStalls.filter {
            Int64($0.resumedAtMs) >= Int64(drill.window.startMs) && Int64($0.silentFromMs) <= end
        }.max { $0.resumedAtMs - $0.silentFromMs < $1.resumedAtMs - $1.silentFromMs }
        let back = stall.map { Int64($0.resumedAtMs) - end }
        // Who noticed the other go quiet, and heard it again.
        let watchers: [(String, SessionReport, String)] =
            switch fault {
            case .hostStopped: [("client", client, drill.clientOutput)]
            case .clientStopped: [("host", host, drill.hostOutput)]
            case .linkDown: [("client", client, drill.clientOutput), ("host", host, drill.hostOutput)]
            case .addressChange: []
            }
        let heardAgain = watchers.map { side, report, _ in
            "\(side) heard the other again \(report.resumedAtMs.last.map { "\(Int64($0) - end) ms" } ?? "never")"
        }
        print(
            "skirmish after \(fault) (fault \(drill.window.endMs - drill.window.startMs) ms): "
                + "snapshots \(back.map { "again \($0) ms" } ?? "never stalled") after it ended; "
                + heardAgain.map { $0 + "; " }.joined() + "client ticks \(client.ticksSimulated), "
                + "snapshots \(client.snapshots), host tick \(host.hostTick)")
        for (side, report, output) in watchers {
            #expect(!report.interruptedAtMs.isEmpty, "\(side) never reported the other interrupted\n\(context)")
            #expect(output.contains("reconnecting…"), "\(side) never said reconnecting…\n\(context)")
            let resumed = report.resumedAtMs.last.map { Int64($0) - end }
            #expect(
                resumed.map { $0 <= Self.timeBackLimitMs } == true,
                "\(side): resumed \(resumed.map { "\($0) ms" } ?? "never")\n\(context)")
        }
        switch fault {
        case .addressChange:
            // The host followed the client: snapshots kept coming after the old address was gone.
            #expect(client.snapshots >= (Self.clientSeconds - 2) * 30 * 3 / 4, "\(context)")
            if let back { #expect(back <= Self.timeBackLimitMs, "\(context)") }
        case .linkDown, .hostStopped, .clientStopped:
            #expect(
                back.map { $0 <= Self.timeBackLimitMs } == true,
                "snapshots again \(back.map { "\($0) ms" } ?? "never")\n\(context)")
            #expect(client.snapshots >= Self.secondsAfter * 30 / 2, "\(context)")
        }
    }

    /// One drill, blocking with bounded waits.
    static func run(_ fault: NetworkFault, index: Int) -> Drill {
        var drill = Drill(fault: fault)
        var lab: NamespaceLab?
        if fault.needsNamespaces {
            let (made, reason) = NamespaceLab.make(
                .subnetRouteOnly, tag: NetworkFault.namespaceTag(range: 2, index: index))
            guard let made else {
                drill.unavailable = reason
                return drill
            }
            lab = made
        }
        defer { lab?.tearDown() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "skirmish-resume-\(getpid())-\(index)-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let hostReport = directory.appendingPathComponent("host.json").path
        let clientReport = directory.appendingPathComponent("client.json").path
        // Issue 16's drills are about waiting for a silent host: with migration the client
        // would take over after 2 s instead (HostMigrationBotProcessTests drills that).
        let common = ["--headless", "--bot", "--discovery", "none", "--no-host-migration"]
        let skirmish = ProcessRunner.skirmish
        let host: BackgroundProcess
        let client: BackgroundProcess
        do {
            let hostArguments =
                ["host"] + common + ["--duration", "\(hostSeconds)", "--report", hostReport]
            let clientArguments = common + ["--duration", "\(clientSeconds)", "--report", clientReport]
            if let lab {
                host = try lab.start(in: lab.host, [skirmish] + hostArguments + ["--port", "7777"])
                _ = host.waitFor("Hosting on port")
                client = try lab.start(
                    in: lab.clients[0], [skirmish, "join", "\(lab.hostAddresses[0]):7777"] + clientArguments)
            } else {
                host = try BackgroundProcess(skirmish, hostArguments + ["--port", "0"])
                guard host.waitFor("Hosting on port"), let port = Self.port(in: host.output) else {
                    host.stop()
                    drill.failure = "the host did not start: \(host.output)"
                    return drill
                }
                client = try BackgroundProcess(skirmish, ["join", "127.0.0.1:\(port)"] + clientArguments)
            }
        } catch {
            drill.failure = "could not start: \(error)"
            return drill
        }
        if client.waitFor("Joined") {
            sleep(UInt32(secondsBefore))
            do {
                drill.window = try fault.inject(
                    lab: lab, host: host.process.processIdentifier, client: client.process.processIdentifier)
            } catch {
                drill.failure = "could not inject \(fault): \(error)"
            }
        } else {
            drill.failure = "the client never joined"
        }
        if !client.waitForExit(timeout: .seconds(clientSeconds + 60)) { drill.failure = "the client never ended" }
        if !host.waitForExit(timeout: .seconds(hostSeconds + 60)) { drill.failure = "the host never ended" }
        client.stop()
        host.stop()
        drill.hostOutput = host.output
        drill.clientOutput = client.output
        let decoder = JSONDecoder()
        drill.host = try? decoder.decode(SessionReport.self, from: Data(contentsOf: URL(fileURLWithPath: hostReport)))
        drill.client = try? decoder.decode(
            SessionReport.self, from: Data(contentsOf: URL(fileURLWithPath: clientReport)))
        return drill
    }

    /// The port in the host's "Hosting on port N." line.
    static func port(in output: String) -> Int? {
        guard let range = output.range(of: "Hosting on port ") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }
}

struct NamespacesUnavailable: Error {}

/// What a player sees: the terminal front end, in tmux, says "reconnecting…" over the arena
/// while its host is stopped, and plays on once it continues.
@Suite("Skirmish terminal through a stopped host")
struct ReconnectingHUDTests {
    /// How long the host may stay stopped while the banner is awaited: far over the 1 s after
    /// which it is reported interrupted, and far under the 30 s resume grace.
    static let bannerWait = Duration.seconds(10)

    @Test(.enabled(if: TerminalFrontEndTests.tmux != nil, "tmux is not installed (CI installs it)"))
    func terminalShowsReconnectingWhileTheHostIsStoppedThenPlaysOn() throws {
        let host = try BackgroundProcess(
            ProcessRunner.skirmish,
            [
                "host", "--headless", "--bot", "--discovery", "none", "--no-host-migration", "--port", "0",
                "--duration", "60",
            ])
        defer { host.stop() }
        #expect(host.waitFor("Hosting on port"), "\(host.output)")
        let port = try #require(ResumeBotProcessTests.port(in: host.output), "\(host.output)")
        let tmux = TerminalFrontEndTests.Tmux(path: try #require(TerminalFrontEndTests.tmux))
        defer { _ = try? tmux("kill-server") }
        let command =
            "\(ProcessRunner.skirmish) join 127.0.0.1:\(port) --bot --discovery none --no-host-migration; sleep 30"
        try tmux("new-session", "-d", "-s", "game", "-x", "100", "-y", "30", command)
        let drawn = try tmux.wait(.seconds(15)) { try tmux.playerColumn() != nil }
        let screen = try tmux.screen()
        #expect(drawn, "screen: \(screen)")

        kill(host.process.processIdentifier, SIGSTOP)
        let shown = try tmux.wait(Self.bannerWait) {
            try tmux.screen().contains { $0.contains("Connection to the host lost: reconnecting…") }
        }
        let during = try tmux.screen()
        kill(host.process.processIdentifier, SIGCONT)
        #expect(shown, "screen while the host was stopped: \(during)")
        print("tmux while the host was stopped: \(during.filter { $0.contains("reconnecting") })")

        let back = try tmux.wait(.seconds(5)) {
            let screen = try tmux.screen()
            return !screen.contains { $0.contains("Connection to the host lost") }
                && screen.contains { $0.contains("Reconnected to the host.") }
        }
        let after = try tmux.screen()
        #expect(back, "screen after the host continued: \(after)")
        let player = try tmux.playerColumn()
        #expect(after.contains { $0.hasPrefix("+---") } && player != nil, "it plays on: \(after)")
    }
}
