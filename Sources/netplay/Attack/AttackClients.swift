import Foundation
import Netplay
import NetplayBase
import NetplayChannels
import NetplayProtocol
import NetplayWire

/// How attack scenarios speak the protocol from raw sockets: handshakes driven by the sans-I/O
/// client endpoint, with every byte under the attacker's control.
enum AttackWire {
    static let game = ToolProtocol.defaultGame
    static let code = "TIGER7"
    static let hostAddress = PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 0)

    /// The protocol settings `netplay host` runs with, under `joinCode`.
    static func config(joinCode: String) -> ProtocolConfig {
        ToolProtocol.options.protocolConfig(
            game: game, joinCode: joinCode, registry: MessageRegistry(ToolProtocol.messages))
    }

    /// A fresh client endpoint whose datagrams the caller carries.
    static func client(joinCode: String = code, port: UInt16) -> ClientEndpoint {
        ClientEndpoint(
            config: config(joinCode: joinCode), host: hostAddress(port: port), now: MonotonicClock.shared.now)
    }

    static func hostAddress(port: UInt16) -> PeerAddress {
        PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: port)
    }

    /// Runs `client`'s handshake over `socket` until connected, refused or `limit`; returns
    /// whether it connected.
    static func connect(_ client: inout ClientEndpoint, over socket: RawUDPSocket, port: UInt16, limit: Duration)
        async -> Bool
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            pump(&client, over: socket, port: port)
            if client.isConnected { return true }
            if case .closed = client.state { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Runs `client`'s timers, sends what it has and feeds it what arrived.
    static func pump(_ client: inout ClientEndpoint, over socket: RawUDPSocket, port: UInt16) {
        let now = MonotonicClock.shared.now
        client.update(now: now)
        for datagram in client.drainOutgoing() { socket.send(datagram.bytes) }
        while let bytes = socket.receive() { client.receive(bytes, from: hostAddress(port: port), now: now) }
        for datagram in client.drainOutgoing() { socket.send(datagram.bytes) }
    }
}

extension MonotonicClock {
    /// One clock for every endpoint an attack scenario drives.
    static let shared = MonotonicClock()
}
