import Foundation
import Netplay

/// `netplay host`'s side of `netplay stream`: for each client that asked, numbered reliable
/// messages back at the client's rate, a check of the client's own stream, and what happened
/// to the connection on the way (interruptions, resumptions, a new address), each printed with
/// its wall-clock time so a test can measure how long the game took to come back.
struct HostStreams {
    private struct Stream {
        var sender: StreamSender?
        var receiver = StreamReceiver()
    }

    let output: ToolOutput
    private var streams: [NetPeer: Stream] = [:]
    private var addresses: [NetPeer: PeerAddress] = [:]
    private var nextAddressCheck = ContinuousClock.now

    /// How often clients' addresses are compared with the last seen: often enough to date a
    /// move to within a fraction of the 1 s a game has to come back.
    static let addressCheckInterval = Duration.milliseconds(50)

    init(output: ToolOutput) { self.output = output }

    /// Whether a stream is sending: then `pump` is due every millisecond.
    var isStreaming: Bool { streams.values.contains { $0.sender != nil } }

    /// Takes an event that concerns streams or the connection; returns false for any other.
    mutating func handle(_ event: NetEvent, host: NetHost) -> Bool {
        switch event {
        case .message(let start as ToolProtocol.StreamStart, from: let peer):
            streams[peer] = Stream(sender: StreamSender(perSecond: Int(start.perSecond), now: .now))
        case .message(let numbered as ToolProtocol.Numbered, from: let peer):
            if let stall = streams[peer]?.receiver.receive(numbered, atMs: WallClock.milliseconds) {
                report(stall, peer: peer)
            }
        case .message(let end as ToolProtocol.StreamEnd, from: let peer):
            finish(peer, theirs: end, host: host)
        case .interrupted(let peer):
            output.emit(
                ["event": "interrupted", "peer": peer.description, "atMs": WallClock.milliseconds],
                "\(peer) interrupted: nothing heard, keeping its seat")
        case .resumed(let peer):
            output.emit(
                ["event": "resumed", "peer": peer.description, "atMs": WallClock.milliseconds], "\(peer) resumed")
        case .disconnected(let peer, _):
            streams[peer] = nil
            addresses[peer] = nil
            return false
        default:
            return false
        }
        return true
    }

    /// Sends what each stream has due, and reports clients seen at a new address.
    mutating func pump(host: NetHost) {
        let now = ContinuousClock.now
        for peer in Array(streams.keys) {
            streams[peer]?.sender?.pump(now: now) { (try? host.send($0, on: .reliableOrdered, to: .peer(peer))) != nil }
        }
        guard now >= nextAddressCheck else { return }
        nextAddressCheck = now + Self.addressCheckInterval
        for peer in host.peers {
            guard let address = host.address(of: peer), addresses[peer] != address else { continue }
            if let old = addresses[peer] {
                output.emit(
                    [
                        "event": "moved", "peer": peer.description, "from": old.description,
                        "to": address.description, "atMs": WallClock.milliseconds,
                    ], "\(peer) moved from \(old) to \(address)")
            }
            addresses[peer] = address
        }
    }

    /// The client's stream ended: answer with this side's count and check, so the client can
    /// judge both directions, and print the check here too.
    private mutating func finish(_ peer: NetPeer, theirs: ToolProtocol.StreamEnd, host: NetHost) {
        guard var stream = streams[peer] else { return }
        let sent = stream.sender?.next ?? 0
        stream.sender = nil
        streams[peer] = stream
        let receiver = stream.receiver
        let end = ToolProtocol.StreamEnd(
            sent: sent, received: UInt32(receiver.received), duplicates: UInt32(receiver.duplicates),
            outOfOrder: UInt32(receiver.outOfOrder))
        try? host.send(end, on: .reliableOrdered, to: .peer(peer))
        if let stall = receiver.unfinishedStall { report(stall, peer: peer) }
        output.emit(
            [
                "event": "stream", "peer": peer.description, "sent": Int(sent), "received": receiver.received,
                "expected": Int(theirs.sent), "duplicates": receiver.duplicates, "outOfOrder": receiver.outOfOrder,
            ],
            "\(peer) stream: sent \(sent), received \(receiver.received) of \(theirs.sent), "
                + "\(receiver.duplicates) duplicates, \(receiver.outOfOrder) out of order")
    }

    private func report(_ stall: StreamReceiver.Stall, peer: NetPeer) {
        var json = stall.json
        json["event"] = "stall"
        json["peer"] = peer.description
        output.emit(
            json,
            "\(peer) stream stalled \(stall.resumedAtMs - stall.silentFromMs) ms; backlog of \(stall.backlog) delivered"
        )
    }
}
