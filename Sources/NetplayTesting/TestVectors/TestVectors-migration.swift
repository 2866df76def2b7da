import Netplay
import NetplayBase
import NetplayProtocol
import NetplayReplication

/// Host migration's bytes (docs/PROTOCOL.md §7.1): the rejoin code, a response that claims a
/// seat, the succession list and the replication roster.
extension TestVectors {
    /// The fixed inputs of the migration vector.
    package enum MigrationInputs {
        package static let secret = Array(UInt8(0xA0)...UInt8(0xBF))
        package static let seat = PeerID(rawValue: 0x1234_5678)
        package static let members = [
            Succession.Member(
                peer: PeerID(rawValue: 0x1234_5678),
                address: PeerAddress(family: .ipv4, address: [192, 0, 2, 7], port: 50_000)),
            Succession.Member(
                peer: PeerID(rawValue: 0x0BAD_CAFE),
                address: PeerAddress(
                    family: .ipv6, address: [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [9],
                    port: 50_001)),
        ]
    }

    static func migration() throws -> [String: Any] {
        let inputs = MigrationInputs.self
        let code = Rejoin.code(secret: inputs.secret, peer: inputs.seat)
        let handshake = try rejoinHandshake(code: code)
        let roster = Roster(players: [
            (ParticipantID(1), NetPeer(inputs.members[0].peer)), (ParticipantID(2), NetPeer(inputs.members[1].peer)),
        ])
        return [
            "description":
                "Host migration (docs/PROTOCOL.md §7.1): the rejoin code of a seat and its salt; a rejoin handshake from the handshake vector's keys, nonce and times (its join code replaced by the rejoin code), whose response names the seat after its tag and whose accepted gives it back; a succession list; a replication roster.",
            "secret": hex(inputs.secret), "seat": Int(inputs.seat.rawValue), "rejoinCode": code,
            "rejoinSalt": hex(SessionKeys.salt(joinCode: code)),
            "rejoinResponse": hex(handshake.response), "rejoinAccepted": hex(handshake.accepted),
            "succession": hex(Succession(secret: inputs.secret, members: inputs.members).bytes),
            "roster": hex(roster.bytes),
        ]
    }

    /// The handshake vector's exchange, rejoining a seat at a host that took over.
    private static func rejoinHandshake(code: String) throws -> (response: [UInt8], accepted: [UInt8]) {
        typealias Inputs = HandshakeInputs
        var host = HostEndpoint(
            config: Inputs.config, random: ProtocolRandom(DeterministicRandom(seed: Inputs.hostSeed)))
        host.rejoinSecret = MigrationInputs.secret
        host.awaitedRejoins = [MigrationInputs.seat]
        var config = Inputs.config
        config.joinCode = code
        config.rejoinAs = MigrationInputs.seat
        var client = ClientEndpoint(
            config: config, host: Inputs.hostAddress, now: Inputs.helloTime,
            random: ProtocolRandom(DeterministicRandom(seed: Inputs.clientSeed)))
        host.receive(try single(client.drainOutgoing()), from: Inputs.clientAddress, now: Inputs.helloTime)
        client.receive(try single(host.drainOutgoing()), from: Inputs.hostAddress, now: Inputs.helloTime)
        let response = try single(client.drainOutgoing())
        host.receive(response, from: Inputs.clientAddress, now: Inputs.responseTime)
        let accepted = try single(host.drainOutgoing())
        client.receive(accepted, from: Inputs.hostAddress, now: Inputs.responseTime)
        guard client.peerID == MigrationInputs.seat else { throw VectorError.unexpected("the seat was not given back") }
        return (response, accepted)
    }
}
