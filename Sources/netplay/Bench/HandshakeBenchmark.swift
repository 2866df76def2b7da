import Foundation
import NetplayBase
import NetplayProtocol

/// The connection-rate floor: how many handshakes a second this machine's cryptography alone
/// allows, and the whole sans-I/O handshake (both endpoints, every packet, no sockets or
/// threads), to set beside `Benchmarks/run.sh --only connect`.
enum HandshakeBenchmark {
    struct Result: CustomStringConvertible {
        /// Per second: the key work of one connection, both sides (the client's ephemeral key
        /// pair and its key agreement, the host's key agreement; each agreement with its HKDF).
        var keyAgreementsOnly: Double
        /// Per second: hello → challenge → response → accepted → the keepalives that confirm
        /// it, between a `ClientEndpoint` and a `HostEndpoint` handing datagrams to each other.
        var wholeHandshakes: Double

        var description: String {
            String(
                format: "X25519 floor (client key pair + both sides' key agreement): %.0f connections/s\n"
                    + "whole handshake, sans-I/O (both endpoints, no sockets): %.0f connections/s",
                keyAgreementsOnly, wholeHandshakes)
        }
    }

    static func run(count: Int) -> Result {
        Result(keyAgreementsOnly: keyAgreements(count: count), wholeHandshakes: handshakes(count: count))
    }

    private static func keyAgreements(count: Int) -> Double {
        var random = ProtocolRandom(DeterministicRandom(seed: 1))
        let host = EphemeralKeyPair(random: &random)
        let transcript = [UInt8](repeating: 7, count: 96)
        var derived = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<count {
            let client = EphemeralKeyPair(random: &random)
            let clientKeys = SessionKeys(
                privateKey: client.privateKey, peerPublicKey: host.publicKey, joinCode: nil, transcript: transcript)
            let hostKeys = SessionKeys(
                privateKey: host.privateKey, peerPublicKey: client.publicKey, joinCode: nil, transcript: transcript)
            if clientKeys == hostKeys { derived += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(derived == count, "both sides must derive the same keys")
        return Double(count) / seconds
    }

    private static func handshakes(count: Int) -> Double {
        var config = ProtocolConfig(protocolID: 0x4245_4E43)
        config.maxPeers = count
        config.maxPeersPerSource = count
        config.maxPendingPerSource = count
        config.handshakeRatePerSource = 1e9
        config.handshakeBurstPerSource = 1e9
        var host = HostEndpoint(config: config, random: ProtocolRandom(DeterministicRandom(seed: 2)))
        let hostAddress = PeerAddress.memory(node: 0, port: 1)
        var now = NetInstant(nanoseconds: 1)
        var connected = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<count {
            let address = PeerAddress.memory(node: UInt64(index) + 1, port: 2)
            var client = ClientEndpoint(
                config: config, host: hostAddress, now: now,
                random: ProtocolRandom(DeterministicRandom(seed: UInt64(index) + 3)))
            client.update(now: now)
            // Until the client is connected, every datagram goes straight across.
            for _ in 0..<8 where !client.isConnected {
                for datagram in client.drainOutgoing() { host.receive(datagram.bytes, from: address, now: now) }
                for datagram in host.drainOutgoing() { client.receive(datagram.bytes, from: hostAddress, now: now) }
                now = now + .microseconds(1)
            }
            if client.isConnected { connected += 1 }
            // Seats and ids are freed as players leave; this measures joining alone.
            for id in host.connectedPeers { host.remove(id, reason: .closedLocally) }
            _ = host.drainEvents()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        precondition(connected == count, "\(connected) of \(count) handshakes completed")
        return Double(count) / seconds
    }
}
