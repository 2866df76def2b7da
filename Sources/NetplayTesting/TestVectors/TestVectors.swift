import Foundation
import NetplayBase
import NetplayChannels
import NetplayProtocol
import NetplayWire

/// The published test vectors (docs/test-vectors/*.json), computed by this implementation
/// from fixed keys, nonces and times, in the manner of netcode's: another implementation
/// checks itself against them byte for byte, and a test checks that this one still produces
/// exactly what is published. Regenerate with `netplay vectors --out docs/test-vectors`.
package enum TestVectors {
    /// File name → JSON text (sorted keys, pretty-printed, trailing newline).
    package static func files() throws -> [String: String] {
        [
            "handshake.json": try json(handshake()),
            "connected.json": try json(connected()),
            "channel.json": try json(channel()),
            "messages.json": try json(messages()),
            "migration.json": try json(migration()),
        ]
    }

    static func json(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    package static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    // MARK: Handshake

    /// The fixed inputs of the handshake vector.
    package enum HandshakeInputs {
        package static let protocolID: UInt32 = 0x4E50_5456  // "VTPN" little-endian: "NPTV"
        package static let version: UInt32 = 1
        package static let joinCode = "TIGER7"
        package static let schema = SchemaIdentity(fingerprint: Array(0x10..<0x20), description: "vectors")
        package static let hostSeed: UInt64 = 1
        package static let clientSeed: UInt64 = 2
        package static let clientAddress = PeerAddress(family: .ipv4, address: [192, 0, 2, 7], port: 50_000)
        package static let hostAddress = PeerAddress(family: .ipv4, address: [192, 0, 2, 1], port: 7_777)
        /// The host's clock at the hello (its cookie timestamp) and at the response.
        package static let helloTime = NetInstant(nanoseconds: 1_000_000_000)
        package static let responseTime = NetInstant(nanoseconds: 1_020_000_000)

        package static var config: ProtocolConfig {
            ProtocolConfig(protocolID: protocolID, protocolVersion: version, schema: schema, joinCode: joinCode)
        }
    }

    static func handshake() throws -> [String: Any] {
        typealias Inputs = HandshakeInputs
        var host = HostEndpoint(
            config: Inputs.config, random: ProtocolRandom(DeterministicRandom(seed: Inputs.hostSeed)))
        var client = ClientEndpoint(
            config: Inputs.config, host: Inputs.hostAddress, now: Inputs.helloTime,
            random: ProtocolRandom(DeterministicRandom(seed: Inputs.clientSeed)))
        guard case .handshaking(let started) = client.state else { throw VectorError.unexpected("client state") }
        let hello = try single(client.drainOutgoing())
        host.receive(hello, from: Inputs.clientAddress, now: Inputs.helloTime)
        let challenge = try single(host.drainOutgoing())
        client.receive(challenge, from: Inputs.hostAddress, now: Inputs.helloTime)
        let response = try single(client.drainOutgoing())
        guard case .handshaking(let answered) = client.state, case .response(_, let keys) = answered.stage else {
            throw VectorError.unexpected("client did not answer the challenge")
        }
        host.receive(response, from: Inputs.clientAddress, now: Inputs.responseTime)
        let accepted = try single(host.drainOutgoing())
        client.receive(accepted, from: Inputs.hostAddress, now: Inputs.responseTime)
        let firstKeepalive = try single(client.drainOutgoing())
        guard let parsedChallenge = ChallengePacket(challenge), let parsedResponse = ResponsePacket(response) else {
            throw VectorError.unexpected("packets do not parse")
        }
        let transcript = handshakeTranscript(
            protocolID: Inputs.protocolID, clientPublicKey: started.keyPair.publicKey,
            clientNonce: started.hello.clientNonce, hostPublicKey: host.handshakeKey.publicKey,
            timestamp: parsedChallenge.timestamp, cookie: parsedChallenge.cookie)
        let denials: [(String, DenialReason)] = [
            ("hostFull", .hostFull), ("versionMismatch", .versionMismatch(host: 1, client: 2)),
            ("schemaMismatch", .schemaMismatch(hostDescription: "message 0 Move\nMove.x: Float")),
            ("wrongJoinCode", .wrongJoinCode), ("tooManyFromAddress", .tooManyFromAddress),
        ]
        return [
            "description":
                "One handshake from fixed keys, nonce and times: every packet's bytes, the transcript and the derived keys (docs/PROTOCOL.md §3).",
            "inputs": [
                "protocolID": Int(Inputs.protocolID), "version": Int(Inputs.version), "joinCode": Inputs.joinCode,
                "schemaFingerprint": hex(Inputs.schema.fingerprint),
                "hostPrivateKey": hex(host.handshakeKey.privateKey), "hostPublicKey": hex(host.handshakeKey.publicKey),
                "hostCookieSecret": hex(host.cookies.secret),
                "clientPrivateKey": hex(started.keyPair.privateKey), "clientPublicKey": hex(started.keyPair.publicKey),
                "clientNonce": hex(started.hello.clientNonce),
                "clientAddressBytes": hex(Inputs.clientAddress.bytes),
                "cookieTimestamp": Int(parsedChallenge.timestamp),
            ],
            "hello": hex(hello), "challenge": hex(challenge), "response": hex(response), "accepted": hex(accepted),
            "cookie": hex(parsedChallenge.cookie),
            "transcript": hex(transcript), "transcriptLength": transcript.count,
            "joinCodeSalt": hex(SessionKeys.salt(joinCode: Inputs.joinCode)),
            "clientToHostKey": hex(keys.clientToHost.bytes), "hostToClientKey": hex(keys.hostToClient.bytes),
            "confirmationTag": hex(parsedResponse.confirmationTag),
            "peerID": Int(client.peerID?.rawValue ?? 0),
            "firstKeepalive": hex(firstKeepalive),
            "denied": Dictionary(
                uniqueKeysWithValues: denials.map { name, reason in
                    (
                        name,
                        hex(
                            DeniedPacket(
                                protocolID: Inputs.protocolID, clientNonce: started.hello.clientNonce, reason: reason
                            ).encoded())
                    )
                }),
        ]
    }

    static func single(_ datagrams: [Datagram]) throws -> [UInt8] {
        guard datagrams.count == 1 else {
            throw VectorError.unexpected("expected one datagram, got \(datagrams.count)")
        }
        return datagrams[0].bytes
    }

    // MARK: Connected packets

    /// Fixed session keys for the connected-packet vectors.
    package static let clientToHostKey = PacketKey(bytes: Array(0..<32))
    package static let hostToClientKey = PacketKey(bytes: Array(32..<64))
    package static let peerID = PeerID(rawValue: 0x1234_5678)

    /// (name, direction, sequence, frames) of each connected-packet vector.
    package static var connectedCases: [(String, NoncePurpose, UInt64, [Frame])] {
        [
            ("keepaliveFromClient", .clientToHost, 0, [.keepalive]),
            ("payloadFromHost", .hostToClient, 1, [.payload([0xDE, 0xAD, 0xBE, 0xEF])]),
            ("largeSequence", .clientToHost, 0x1_0000_0005, [.payload(Array(repeating: 0x42, count: 200))]),
            ("disconnectKicked", .hostToClient, 7, [.disconnect(DisconnectFrame(code: .kicked, text: "afk"))]),
            ("twoFrames", .clientToHost, 300, [.payload([1]), .keepalive]),
            ("pathChallengeFromHost", .hostToClient, 42, [.pathChallenge(PathToken(bytes: Array(0xA0..<0xA8)))]),
            ("pathResponseFromClient", .clientToHost, 43, [.pathResponse(PathToken(bytes: Array(0xA0..<0xA8)))]),
        ]
    }

    static func connected() -> [String: Any] {
        var packets: [[String: Any]] = []
        for (name, purpose, sequence, frames) in connectedCases {
            let key = purpose == .clientToHost ? clientToHostKey : hostToClientKey
            let plaintext = Frame.encode(frames)
            packets.append([
                "name": name, "direction": purpose == .clientToHost ? "clientToHost" : "hostToClient",
                "noncePurpose": Int(purpose.rawValue), "sequence": NSNumber(value: sequence),
                "plaintext": hex(plaintext),
                "packet": hex(
                    ConnectedPacket.seal(plaintext, peerID: peerID, sequence: sequence, key: key, purpose: purpose)),
            ])
        }
        return [
            "description":
                "Sealed connected packets (docs/PROTOCOL.md §4): frames, their plaintext, and the packet sealed with the fixed keys.",
            "clientToHostKey": hex(clientToHostKey.bytes), "hostToClientKey": hex(hostToClientKey.bytes),
            "peerID": Int(peerID.rawValue), "packets": packets,
        ]
    }

    // MARK: Channel payloads

    /// A payload entry of a vector: channel, message number, optional (index, count), data.
    package typealias Entry = (
        channel: UInt8, messageNumber: UInt16, fragment: (index: Int, count: Int)?, data: [UInt8]
    )

    package static var channelCases: [(String, PayloadHeader, [Entry])] {
        let geometry = ChannelGeometry(ChannelConfig())
        let fragmentCount = geometry.maxFragments(for: .reliableOrdered)
        return [
            ("ackOnlyNothingReceived", PayloadHeader(sequence: 0, ack: 0xFFFF, ackBits: 0, ackDelay: 0xFFFF), []),
            ("ackOnlyWithBits", PayloadHeader(sequence: 17, ack: 41, ackBits: 0x8000_0005, ackDelay: 14_987), []),
            (
                "reliableWhole", PayloadHeader(sequence: 3, ack: 2, ackBits: 0x3, ackDelay: 0),
                [(0, 0, nil, [1, 2, 3]), (1, 65_535, nil, [0x2A])]
            ),
            (
                "firstAndLastFragment",
                PayloadHeader(sequence: 65_535, ack: 65_534, ackBits: 0xFFFF_FFFF, ackDelay: 300),
                [
                    (0, 9, (0, fragmentCount), Array(repeating: 0xAA, count: 200)),
                    (0, 9, (fragmentCount - 1, fragmentCount), [0xBB]),
                ]
            ),
            (
                "unreliableAndSequenced", PayloadHeader(sequence: 1_000, ack: 999, ackBits: 0, ackDelay: 0xFFFF),
                [(2, 5, nil, [9]), (3, 300, (1, 2), [8, 7])]
            ),
        ]
    }

    static func channel() -> [String: Any] {
        let config = ChannelConfig()
        let geometry = ChannelGeometry(config)
        var payloads: [[String: Any]] = []
        for (name, header, entries) in channelCases {
            var writer = PayloadWriter(header: header, capacity: geometry.payloadBytes)
            for entry in entries {
                _ = writer.append(
                    channel: entry.channel, messageID: entry.messageNumber,
                    fragment: entry.fragment.map { ChannelEntry.Fragment(index: $0.index, count: $0.count) },
                    bytes: entry.data[...])
            }
            payloads.append([
                "name": name, "sequence": Int(header.sequence), "ack": Int(header.ack), "ackBits": Int(header.ackBits),
                "ackDelay": Int(header.ackDelay),
                "entries": entries.map { entry -> [String: Any] in
                    var object: [String: Any] = [
                        "channel": Int(entry.channel), "messageNumber": Int(entry.messageNumber),
                        "data": hex(entry.data),
                    ]
                    if let fragment = entry.fragment {
                        object["fragmentIndex"] = fragment.index
                        object["fragmentCount"] = fragment.count
                    }
                    return object
                },
                "payload": hex(writer.bytes),
            ])
        }
        return [
            "malformed": malformedChannelPayloads(geometry: geometry),
            "description":
                "Channel payloads (docs/PROTOCOL.md §5): header with acks, whole messages and fragments, with the default limits below.",
            "limits": [
                "maxPayloadBytes": geometry.payloadBytes, "maxReliableMessageBytes": config.maxReliableMessageBytes,
                "maxUnreliableMessageBytes": config.maxUnreliableMessageBytes,
                "fragmentBytes": geometry.fragmentBytes,
                "maxReliableFragments": geometry.maxFragments(for: .reliableOrdered),
                "maxUnreliableFragments": geometry.maxFragments(for: .unreliable),
                "maxReceiveBufferBytes": config.maxReceiveBufferBytes,
                "reliableWindow": ReliableReceiveChannel.window,
            ],
            "payloads": payloads,
        ]
    }

    /// Payloads a receiver must drop whole, for draft 7's rules: a reliable entry of no bytes,
    /// and a payload of version 2 (the narrower window).
    private static func malformedChannelPayloads(geometry: ChannelGeometry) -> [[String: Any]] {
        let header = PayloadHeader(sequence: 4, ack: 0xFFFF, ackBits: 0)
        var empty = PayloadWriter(header: header, capacity: geometry.payloadBytes)
        _ = empty.append(channel: 0, messageID: 7, fragment: nil, bytes: [UInt8]()[...])
        var valid = PayloadWriter(header: header, capacity: geometry.payloadBytes)
        _ = valid.append(channel: 0, messageID: 7, fragment: nil, bytes: [UInt8]([0x2A])[...])
        var versionTwo = valid.bytes
        versionTwo[0] = 2
        return [
            [
                "name": "emptyReliableEntry", "payload": hex(empty.bytes),
                "why": "a reliable entry (channel 0) of length 0: no reliable message is empty (§5)",
            ],
            [
                "name": "version2", "payload": hex(versionTwo),
                "why": "version byte 2: its window of 1024 and empty entries are not spoken (§5)",
            ],
        ]
    }

    // MARK: Messages

    static func messages() throws -> [String: Any] {
        let registry = MessageRegistry(VectorMessages.all)
        var bodies: [[String: Any]] = []
        for message in VectorMessages.samples {
            bodies.append([
                "type": type(of: message).messageName, "typeID": Int(registry.id(of: type(of: message)) ?? 0),
                "value": String(describing: message), "encoded": hex(try registry.encode(message)),
            ])
        }
        return [
            "description":
                "Message bodies for every field kind (docs/PROTOCOL.md §6), each prefixed by its type id, and the schema text and fingerprint of these types (§2).",
            "schemaText": registry.schema.description, "fingerprint": hex(registry.fingerprint.bytes),
            "messages": bodies,
        ]
    }

    enum VectorError: Error { case unexpected(String) }
}
