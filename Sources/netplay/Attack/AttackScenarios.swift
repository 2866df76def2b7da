import Foundation
import Netplay
import NetplayBase
import NetplayChannels
import NetplayProtocol
import NetplayWire

/// The full-size attacks of issue 12, each against a fresh `netplay host` on 127.0.0.1, with
/// the attacker on its own loopback source address (127.0.0.2 by default) and the legitimate
/// client on 127.0.0.1, as two machines would be.
struct AttackScenarios {
    var attacker: String
    var output: ToolOutput

    // MARK: Half-open lockout

    /// One source runs `rate` whole handshakes a second from `ports` ports, never confirming
    /// one, for `duration`; meanwhile a real client tries to connect `attempts` times.
    func lockout(rate: Int, ports: Int, duration: Duration, attempts: Int, hostHandshakeRate: Double?)
        async throws -> [String: Any]
    {
        let host = try await HostUnderTest(
            code: AttackWire.code,
            extraArguments: hostHandshakeRate.map { ["--handshakes-per-second", String($0)] } ?? [])
        defer { host.stop() }
        let port = host.port
        let attackerAddress = attacker
        let interval = Duration.seconds(1) / rate
        let flood = Flood {
            let sockets = (0..<ports).compactMap { _ in try? RawUDPSocket(bindingTo: attackerAddress, sendingTo: port) }
            var clients = sockets.map { _ in AttackWire.client(port: port) }
            var next = 0
            var nextStart = ContinuousClock.now
            return {
                var sent = 0
                if ContinuousClock.now >= nextStart, !sockets.isEmpty {
                    // A fresh handshake on the next port; its previous one is abandoned half open.
                    clients[next] = AttackWire.client(port: port)
                    for datagram in clients[next].drainOutgoing() where sockets[next].send(datagram.bytes) { sent += 1 }
                    next = (next + 1) % sockets.count
                    nextStart = nextStart + interval
                }
                let now = MonotonicClock.shared.now
                for index in sockets.indices {
                    while let bytes = sockets[index].receive() {
                        // Answer challenges, ignore `accepted`: never send a connected packet.
                        guard bytes.first == PacketType.challenge.rawValue else { continue }
                        clients[index].receive(bytes, from: AttackWire.hostAddress(port: port), now: now)
                        for datagram in clients[index].drainOutgoing() where sockets[index].send(datagram.bytes) {
                            sent += 1
                        }
                    }
                }
                usleep(Self.pollMicroseconds)
                return sent
            }
        }
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))  // the attack is in full swing before the first try
        var times: [Double] = []
        var failures: [String] = []
        let spacing = (duration - .seconds(2)) / max(attempts, 1)
        for _ in 0..<attempts {
            let attempt = ContinuousClock.now
            do {
                let client = try await NetClient.connect(
                    to: "127.0.0.1", port: Int(port), game: AttackWire.game, joinCode: AttackWire.code,
                    messages: ToolProtocol.messages, options: ToolProtocol.options)
                times.append((ContinuousClock.now - attempt).secondsDouble)
                await client.close()
            } catch {
                failures.append(String(describing: error))
            }
            let wait = attempt + spacing - ContinuousClock.now
            if wait > .zero { try await Task.sleep(for: wait) }
        }
        let remaining = started + duration - ContinuousClock.now
        if remaining > .zero { try await Task.sleep(for: remaining) }
        await flood.stop()
        let elapsed = (ContinuousClock.now - started).secondsDouble
        let withinOneSecond = times.filter { $0 <= 1 }.count
        let result: [String: Any] = [
            "scenario": "lockout", "attempts": attempts, "connected": times.count,
            "connectedWithin1s": withinOneSecond, "failures": failures,
            "connectMaxMs": (times.max() ?? 0) * 1000, "connectMedianMs": Self.median(times) * 1000,
            "attackHandshakePacketsPerSecond": Double(flood.datagramsSent) / elapsed,
            "hostKeyExchangesPeakPerSecond": host.peakKeyExchangesPerSecond(since: started),
            "hostThrottled": host.throttled, "hostKeyExchanges": host.keyExchanges,
            "hostHandshakeRatePerAddress": hostHandshakeRate ?? ProtocolConfig.defaultHandshakeRatePerSource,
            "passed": withinOneSecond == attempts,
        ]
        output.emit(
            result,
            "lockout: \(withinOneSecond)/\(attempts) connects within 1 s (max \(Self.ms(times.max() ?? 0))), "
                + "attacker \(Int(Double(flood.datagramsSent) / elapsed)) handshake packets/s from \(ports) ports, "
                + "host peak \(host.peakKeyExchangesPerSecond(since: started)) key exchanges/s")
        return result
    }

    // MARK: Floods against an established client

    /// A legitimate client's reliable pings, unflooded and then under a flood of hellos (or
    /// of one replayed response), each from `ports` ports of the attacker's address.
    func flood(replay: Bool, pings: Int, ports: Int, hostHandshakeRate: Double?) async throws -> [String: Any] {
        let host = try await HostUnderTest(
            code: AttackWire.code,
            extraArguments: hostHandshakeRate.map { ["--handshakes-per-second", String($0)] } ?? [])
        defer { host.stop() }
        let port = host.port
        let client = try await NetClient.connect(
            to: "127.0.0.1", port: Int(port), game: AttackWire.game, joinCode: AttackWire.code,
            messages: ToolProtocol.messages, options: ToolProtocol.options)
        let baseline = await ping(client, count: pings)

        var replayed: [UInt8]?
        if replay {
            // One real response (with a wrong join code, so every copy would be refused after a
            // key exchange if the host did not remember its answer), replayed from its port.
            let socket = try RawUDPSocket(bindingTo: attacker, sendingTo: port)
            var handshake = AttackWire.client(joinCode: "WRONG", port: port)
            for datagram in handshake.drainOutgoing() { socket.send(datagram.bytes) }
            for _ in 0..<Self.replyPolls where replayed == nil {
                try await Task.sleep(for: .milliseconds(10))
                AttackWire.pump(&handshake, over: socket, port: port)
                if case .handshaking(let state) = handshake.state, case .response(let packet, _) = state.stage {
                    replayed = packet
                }
            }
            guard replayed != nil else { throw AttackError.host("never answered the attacker's hello") }
            // Keep the socket's port: the cookie is bound to it. Hand it to the flood thread.
            try await floodAndPing(
                host: host, client: client, baseline: baseline, pings: pings, replay: true,
                bucket: hostHandshakeRate ?? ProtocolConfig.defaultHandshakeRatePerSource,
                sender: SocketBox(socket: socket, packets: [replayed!]))
        } else {
            let hello = AttackWire.client(port: port).drainOutgoingCopy()
            var sockets: [RawUDPSocket] = []
            for _ in 0..<ports { sockets.append(try RawUDPSocket(bindingTo: attacker, sendingTo: port)) }
            try await floodAndPing(
                host: host, client: client, baseline: baseline, pings: pings, replay: false,
                bucket: hostHandshakeRate ?? ProtocolConfig.defaultHandshakeRatePerSource,
                sender: SocketBox(sockets: sockets, packets: hello))
        }
        await client.close()
        return [:]
    }

    private func floodAndPing(
        host: HostUnderTest, client: NetClient, baseline: PingSummary, pings: Int, replay: Bool, bucket: Double,
        sender: SocketBox
    ) async throws {
        let before = host.keyExchanges
        let flood = Flood {
            let box = sender
            var index = 0
            return {
                var sent = 0
                for _ in 0..<Self.floodBatch {
                    let socket = box.sockets[index % box.sockets.count]
                    if socket.send(box.packets[index % box.packets.count]) { sent += 1 }
                    index &+= 1
                    // Drain whatever the host answered, so the attacker's buffer never blocks it.
                    while socket.receive() != nil {}
                }
                return sent
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        let started = ContinuousClock.now
        let flooded = await ping(client, count: pings)
        let elapsed = (ContinuousClock.now - started).secondsDouble
        let floodRate = Double(flood.datagramsSent) / max(elapsed, 0.001)
        await flood.stop()
        let baseMedian = baseline.median
        let floodMedian = flooded.median
        let allArrived = flooded.received == pings && flooded.lost == 0
        let name = replay ? "replay-flood" : "hello-flood"
        let peak = host.peakKeyExchangesPerSecond(since: started)
        let limit = bucket
        let result: [String: Any] = [
            "scenario": name, "pings": pings, "received": flooded.received, "lost": flooded.lost,
            "baselineMedianMs": baseMedian, "floodedMedianMs": floodMedian,
            "floodedP99Ms": flooded.p99, "medianRatio": floodMedian / max(baseMedian, 0.000_001),
            "attackPacketsPerSecond": floodRate, "hostKeyExchanges": host.keyExchanges - before,
            "hostKeyExchangesPeakPerSecond": peak, "bucketLimitPerSecond": limit,
            "passed": allArrived && floodMedian <= 2 * baseMedian && Double(peak) < limit + 1,
        ]
        output.emit(
            result,
            "\(name): \(flooded.received)/\(pings) reliable pings, median \(Self.ms(floodMedian / 1000)) flooded vs "
                + "\(Self.ms(baseMedian / 1000)) unflooded (×\(String(format: "%.2f", floodMedian / max(baseMedian, 0.000_001)))), "
                + "p99 \(Self.ms(flooded.p99 / 1000)); attacker \(Int(floodRate)) packets/s; host "
                + "\(host.keyExchanges - before) key exchanges, peak \(peak)/s (bucket \(Int(limit))/s)")
    }

    private func ping(_ client: NetClient, count: Int) async -> PingSummary {
        let run = PingRun(
            client: client, count: count, window: Self.pingWindow, reliable: true, payloadBytes: Self.pingBytes,
            echoTimeout: .seconds(2), output: output)
        return await run.run()
    }

    // MARK: Helpers

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }

    /// `netplay ping`'s defaults: 16 pings in flight, 16 bytes each.
    static let pingWindow = 16
    static let pingBytes = 16
    /// Datagrams per flood step, between checks of the stop flag.
    static let floodBatch = 256
    /// How long the lockout attacker sleeps between polls of its sockets.
    static let pollMicroseconds: UInt32 = 500
    /// 5 s of 10 ms polls for the host's challenge.
    static let replyPolls = 500
}

/// Sockets handed from the scenario to its flood thread, which alone uses them from then on.
struct SocketBox: @unchecked Sendable {
    // Safety: the scenario creates the sockets, passes the box to `Flood`, and never touches
    // them again; only the flood thread does, one call at a time.
    let sockets: [RawUDPSocket]
    let packets: [[UInt8]]

    init(socket: RawUDPSocket, packets: [[UInt8]]) { (self.sockets, self.packets) = ([socket], packets) }
    init(sockets: [RawUDPSocket], packets: [[UInt8]]) { (self.sockets, self.packets) = (sockets, packets) }
}

extension ClientEndpoint {
    /// The datagrams queued so far (the hello, for a fresh endpoint), leaving them queued.
    func drainOutgoingCopy() -> [[UInt8]] {
        var copy = self
        return copy.drainOutgoing().map(\.bytes)
    }
}

extension PingSummary {
    /// Median round trip in milliseconds.
    var median: Double { AttackScenarios.median(roundTrips) * 1000 }
    /// 99th-percentile round trip in milliseconds.
    var p99: Double {
        let sorted = roundTrips.sorted()
        return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * 0.99))] * 1000
    }
}
