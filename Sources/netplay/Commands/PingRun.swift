import Foundation
import Netplay
import NetplayProtocol
import Synchronization

/// One ping measurement: keeps `window` pings in flight, checks each echo, and counts loss.
final class PingRun: Sendable {
    struct State {
        var next: UInt32 = 0
        var inFlight: [UInt32: ContinuousClock.Instant] = [:]
        var roundTrips: [Double] = []
        var lost = 0
        var mismatches = 0
        var unexpected = 0
        var disconnect: DisconnectReason?
        var lastProgress = 0
    }

    let client: NetClient
    let count: Int
    let window: Int
    let reliable: Bool
    let payloadBytes: Int
    let echoTimeout: Duration
    let output: ToolOutput
    let state = Mutex(State())
    /// How often in-flight pings are checked against the echo timeout.
    static let expiryCheck = Duration.milliseconds(20)

    init(
        client: NetClient, count: Int, window: Int, reliable: Bool, payloadBytes: Int, echoTimeout: Duration,
        output: ToolOutput
    ) {
        (self.client, self.count, self.window, self.reliable) = (client, count, window, reliable)
        (self.payloadBytes, self.echoTimeout, self.output) = (payloadBytes, echoTimeout, output)
    }

    /// The bytes ping `sequence` carries: a pattern the echo must reproduce exactly.
    func payload(_ sequence: UInt32) -> [UInt8] {
        (0..<payloadBytes).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
    }

    func run() async -> PingSummary {
        refill()
        await withTaskGroup(of: Void.self) { group in
            // On the client's network thread: an echo reaches the reader, and the next ping the
            // socket, without waking another thread (the latency this tool exists to show).
            group.addTask(executorPreference: client.executor) { await self.receive() }
            group.addTask { await self.expire() }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { PingSummary(count: count, state: $0) }
    }

    private var finished: Bool {
        state.withLock { $0.disconnect != nil || (Int($0.next) == count && $0.inFlight.isEmpty) }
    }

    private func receive() async {
        for await event in client.events {
            switch event {
            case .message(let ping as ToolProtocol.Ping, _):
                let now = ContinuousClock.now
                state.withLock { state in
                    guard let sent = state.inFlight.removeValue(forKey: ping.sequence) else {
                        state.unexpected += 1
                        return
                    }
                    if ping.payload != payload(ping.sequence) || ping.reliable != reliable { state.mismatches += 1 }
                    state.roundTrips.append((now - sent).secondsDouble)
                }
                refill()
            case .disconnected(let peer, let reason) where peer.isHost:
                state.withLock { $0.disconnect = reason }
                return
            default:
                break
            }
            if finished { return }
        }
    }

    private func expire() async {
        while !finished {
            try? await Task.sleep(for: Self.expiryCheck)
            let now = ContinuousClock.now
            state.withLock { state in
                for (sequence, sent) in state.inFlight where now - sent > echoTimeout {
                    state.inFlight[sequence] = nil
                    state.lost += 1
                }
            }
            refill()
        }
    }

    /// Sends pings until `window` are in flight or all have been sent.
    private func refill() {
        let toSend: [UInt32] = state.withLock { state in
            var sequences: [UInt32] = []
            while state.inFlight.count < window, Int(state.next) < count {
                state.inFlight[state.next] = ContinuousClock.now
                sequences.append(state.next)
                state.next += 1
            }
            return sequences
        }
        for sequence in toSend {
            let ping = ToolProtocol.Ping(sequence: sequence, reliable: reliable, payload: payload(sequence))
            if (try? client.send(ping, on: ping.channel)) == nil {
                state.withLock {
                    $0.inFlight[sequence] = nil
                    $0.lost += 1
                }
            }
        }
        reportProgress()
    }

    private func reportProgress() {
        guard count >= 1000 else { return }
        let step = count / 10
        let (done, due) = state.withLock { state -> (Int, Bool) in
            let done = state.roundTrips.count + state.lost
            let due = done / step > state.lastProgress / step
            if due { state.lastProgress = done }
            return (done, due)
        }
        if due { output.progress("\(done)/\(count) pings") }
    }
}

/// What `netplay ping` prints at the end.
struct PingSummary {
    var count: Int
    var received: Int
    var lost: Int
    var mismatches: Int
    var unexpected: Int
    var disconnect: DisconnectReason?
    var roundTrips: [Double]

    init(count: Int, state: PingRun.State) {
        self.count = count
        received = state.roundTrips.count
        lost = state.lost + state.inFlight.count + max(0, count - Int(state.next))
        mismatches = state.mismatches
        unexpected = state.unexpected
        disconnect = state.disconnect
        roundTrips = state.roundTrips
    }

    func passed(reliable: Bool) -> Bool {
        mismatches == 0 && disconnect == nil && (!reliable || (lost == 0 && received == count))
    }

    private func percentile(_ p: Double) -> Double {
        let sorted = roundTrips.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))] * 1000
    }

    /// Mean absolute difference between consecutive round trips (RFC 3550's idea of jitter).
    var jitterMilliseconds: Double {
        guard roundTrips.count > 1 else { return 0 }
        return zip(roundTrips, roundTrips.dropFirst()).map { abs($0 - $1) }.reduce(0, +) / Double(roundTrips.count - 1)
            * 1000
    }

    var lossPercent: Double { Double(lost) / Double(count) * 100 }

    var json: [String: Any] {
        [
            "sent": count, "received": received, "lost": lost, "lossPercent": lossPercent, "mismatches": mismatches,
            "unexpected": unexpected, "rttMinMs": percentile(0), "rttMedianMs": percentile(0.5),
            "rttP99Ms": percentile(0.99),
            "rttMaxMs": percentile(1), "jitterMs": jitterMilliseconds,
            "disconnect": disconnect?.description ?? NSNull(),
        ]
    }

    var text: String {
        var lines = [
            "\(count) pings: \(received) echoed, \(lost) lost (\(String(format: "%.1f", lossPercent))%), \(mismatches) mismatched",
            String(
                format: "rtt min %.3f / median %.3f / p99 %.3f / max %.3f ms, jitter %.3f ms",
                percentile(0), percentile(0.5), percentile(0.99), percentile(1), jitterMilliseconds),
        ]
        if unexpected > 0 { lines.append("\(unexpected) echoes arrived late or twice") }
        if let disconnect { lines.append("connection ended: \(disconnect)") }
        return lines.joined(separator: "\n")
    }
}
