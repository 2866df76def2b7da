import ArgumentParser
import Foundation
import Netplay

/// `netplay stream`: numbered reliable messages both ways with a `netplay host`, at a steady
/// rate, for as long as asked; every number must arrive exactly once and in order, whatever
/// happened to the link or the processes meanwhile.
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream",
        abstract:
            "Stream numbered reliable messages both ways with a `netplay host`, checking each arrives once, in order.",
        discussion: """
            For outage drills: pull the cable, stop a process (kill -STOP … kill -CONT), change \
            the address, and see the session come back. Prints when the host was interrupted \
            and resumed and every stall of the host's stream (when it came back and when the \
            backlog had arrived), in milliseconds of the wall clock, then both directions' \
            counts. Exits non-zero if any number was lost, repeated or out of order, or the \
            connection ended.
            Example: netplay stream 127.0.0.1:7777 --rate 50 --duration 40 --json
            """
    )

    @Argument(help: "The host's join string or address[:port].") var target: String
    @Option(help: "Game name the host runs.") var game = ToolProtocol.defaultGame
    @Option(help: "Join code, when the target is an address.") var code: String?
    @Option(help: "Messages per second each way.") var rate = 50
    @Option(help: "Seconds to stream.") var duration = 30.0
    @Option(help: "Seconds to wait, after streaming, for the host's last message.") var endTimeout = 20.0
    @Flag(help: "One JSON object per line, for scripts.") var json = false

    func validate() throws {
        guard (1...1000).contains(rate), duration > 0, endTimeout > 0 else {
            throw ValidationError("--rate must be 1...1000, --duration and --end-timeout positive")
        }
    }

    func run() async throws {
        let output = ToolOutput(json: json)
        let client = try await connect()
        output.emit(
            ["event": "connected", "host": client.hostAddress.description, "atMs": WallClock.milliseconds],
            "streaming with \(client.hostAddress) at \(rate)/s for \(duration) s")
        var run = StreamRun(client: client, perSecond: rate, output: output)
        await run.run(for: .seconds(duration), endTimeout: .seconds(endTimeout))
        await client.close()
        let summary = run.summary
        output.emit(summary.json, summary.text)
        if !summary.passed { throw ExitCode.failure }
    }

    private func connect() async throws -> NetClient {
        var address: PeerAddress
        var joinCode = code
        if target.uppercased().hasPrefix("NP") {
            let join = try JoinString(parsing: target)
            address = join.address
            joinCode = join.joinCode ?? code
        } else {
            let (host, port) = PingCommand.split(target)
            address = try PeerAddress(numericHost: host, port: port)
        }
        do {
            return try await NetClient.connect(
                to: address, game: game, joinCode: joinCode, messages: ToolProtocol.messages,
                options: ToolProtocol.options)
        } catch {
            throw ToolFailure(ConnectAdvice.explain(error, address: address, timeout: ToolProtocol.options.timeout))
        }
    }
}

/// One `netplay stream` run: the client's side of the stream and what it saw.
struct StreamRun {
    let client: NetClient
    let perSecond: Int
    let output: ToolOutput
    private var sender: StreamSender
    private var receiver = StreamReceiver()
    private var hostEnd: ToolProtocol.StreamEnd?
    private var disconnect: DisconnectReason?
    private var interruptions = 0
    private var resumptions = 0

    /// How often the run polls its events and sends what is due.
    static let pollInterval = Duration.milliseconds(1)

    init(client: NetClient, perSecond: Int, output: ToolOutput) {
        self.client = client
        self.perSecond = perSecond
        self.output = output
        sender = StreamSender(perSecond: perSecond, now: .now)
    }

    mutating func run(for duration: Duration, endTimeout: Duration) async {
        try? client.send(ToolProtocol.StreamStart(perSecond: UInt16(perSecond)), on: .reliableOrdered)
        let streamEnds = ContinuousClock.now + duration
        var giveUpAt: ContinuousClock.Instant?
        let client = client
        while hostEnd == nil, disconnect == nil {
            for event in client.poll() { handle(event) }
            let now = ContinuousClock.now
            if now < streamEnds {
                sender.pump(now: now) { (try? client.send($0, on: .reliableOrdered)) != nil }
            } else if let giveUpAt {
                if now >= giveUpAt { break }
            } else {
                // After the last number, on the same ordered channel: the host answers with its own
                // end once every number before it has arrived.
                let end = ToolProtocol.StreamEnd(
                    sent: sender.next, received: UInt32(receiver.received), duplicates: UInt32(receiver.duplicates),
                    outOfOrder: UInt32(receiver.outOfOrder))
                try? client.send(end, on: .reliableOrdered)
                giveUpAt = now + endTimeout
            }
            try? await Task.sleep(for: Self.pollInterval)
        }
        if let stall = receiver.unfinishedStall { report(stall) }
    }

    private mutating func handle(_ event: NetEvent) {
        switch event {
        case .message(let numbered as ToolProtocol.Numbered, _):
            if let stall = receiver.receive(numbered, atMs: WallClock.milliseconds) { report(stall) }
        case .message(let end as ToolProtocol.StreamEnd, _):
            hostEnd = end
        case .interrupted:
            interruptions += 1
            output.emit(["event": "interrupted", "atMs": WallClock.milliseconds], "host interrupted: reconnecting…")
        case .resumed:
            resumptions += 1
            output.emit(["event": "resumed", "atMs": WallClock.milliseconds], "host resumed")
        case .disconnected(let peer, let reason) where peer.isHost:
            disconnect = reason
        default:
            break
        }
    }

    private func report(_ stall: StreamReceiver.Stall) {
        var json = stall.json
        json["event"] = "stall"
        output.emit(
            json,
            "host stream stalled \(stall.resumedAtMs - stall.silentFromMs) ms; backlog of \(stall.backlog) delivered")
    }

    var summary: StreamSummary {
        StreamSummary(
            sent: Int(sender.next), received: receiver.received, duplicates: receiver.duplicates,
            outOfOrder: receiver.outOfOrder, refusals: sender.refusals, hostEnd: hostEnd, disconnect: disconnect,
            interruptions: interruptions, resumptions: resumptions)
    }
}

/// What `netplay stream` prints at the end: both directions' counts.
struct StreamSummary {
    var sent: Int
    var received: Int
    var duplicates: Int
    var outOfOrder: Int
    var refusals: Int
    /// The host's count and check of this side's stream; nil if it never came.
    var hostEnd: ToolProtocol.StreamEnd?
    var disconnect: DisconnectReason?
    var interruptions: Int
    var resumptions: Int

    /// Every number arrived exactly once, in order, both ways, and the connection held.
    var passed: Bool {
        guard let hostEnd, disconnect == nil else { return false }
        return received == Int(hostEnd.sent) && duplicates == 0 && outOfOrder == 0
            && Int(hostEnd.received) == sent && hostEnd.duplicates == 0 && hostEnd.outOfOrder == 0
    }

    var json: [String: Any] {
        [
            "event": "summary", "passed": passed, "sent": sent, "received": received, "duplicates": duplicates,
            "outOfOrder": outOfOrder, "refusals": refusals, "hostSent": hostEnd.map { Int($0.sent) } ?? NSNull(),
            "hostReceived": hostEnd.map { Int($0.received) } ?? NSNull(),
            "hostDuplicates": hostEnd.map { Int($0.duplicates) } ?? NSNull(),
            "hostOutOfOrder": hostEnd.map { Int($0.outOfOrder) } ?? NSNull(),
            "interruptions": interruptions, "resumptions": resumptions,
            "disconnect": disconnect?.description ?? NSNull(),
        ]
    }

    var text: String {
        var lines = [
            "sent \(sent), host received \(hostEnd.map { "\($0.received)" } ?? "?") "
                + "(\(hostEnd.map { "\($0.duplicates)" } ?? "?") duplicates, "
                + "\(hostEnd.map { "\($0.outOfOrder)" } ?? "?") out of order)",
            "host sent \(hostEnd.map { "\($0.sent)" } ?? "?"), received \(received) "
                + "(\(duplicates) duplicates, \(outOfOrder) out of order)",
            "\(interruptions) interruptions, \(resumptions) resumptions: "
                + (passed ? "every message once, in order" : "FAILED"),
        ]
        if let disconnect { lines.append("connection ended: \(disconnect)") }
        return lines.joined(separator: "\n")
    }
}
