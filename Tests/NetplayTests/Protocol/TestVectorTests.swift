import Foundation
import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayProtocol
@testable import NetplayTesting
@testable import NetplayWire

/// The published vectors (docs/test-vectors) against this implementation: regenerated from
/// the same fixed inputs they must match byte for byte, and their outputs must follow from
/// their own inputs through the primitives. If code and vectors drift apart, this fails; run
/// `netplay vectors --out docs/test-vectors` only for an intended wire change (and update
/// docs/PROTOCOL.md with it).
@Suite("Published test vectors")
struct TestVectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/test-vectors")

    static func published(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func bytes(_ hex: Any?) throws -> [UInt8] {
        let text = try #require(hex as? String)
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            result.append(try #require(UInt8(text[index..<next], radix: 16)))
            index = next
        }
        return result
    }

    @Test(
        "every published file is exactly what this build generates",
        arguments: ["handshake.json", "connected.json", "channel.json", "messages.json", "migration.json"])
    func filesMatchTheImplementation(name: String) throws {
        let generated = try #require(try TestVectors.files()[name])
        let published = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        #expect(published == generated, "\(name) drifted from the code: regenerate it only for an intended wire change")
    }

    @Test("the handshake's keys, transcript and tags follow from its published inputs")
    func handshakeFollowsFromInputs() throws {
        let vector = try Self.published("handshake.json")
        let inputs = try #require(vector["inputs"] as? [String: Any])
        let transcript = try Self.bytes(vector["transcript"])
        #expect(transcript.count == 108 && vector["transcriptLength"] as? Int == 108)
        let challenge = try #require(ChallengePacket(try Self.bytes(vector["challenge"])))
        let protocolID = try #require(inputs["protocolID"] as? Int)
        let clientKey = try Self.bytes(inputs["clientPublicKey"])
        let clientNonce = try Self.bytes(inputs["clientNonce"])
        #expect(
            transcript
                == handshakeTranscript(
                    protocolID: UInt32(protocolID), clientPublicKey: clientKey, clientNonce: clientNonce,
                    hostPublicKey: challenge.hostPublicKey, timestamp: challenge.timestamp, cookie: challenge.cookie))
        // Either side's private key with the other's public key derives the published keys.
        for (own, other) in [("clientPrivateKey", "hostPublicKey"), ("hostPrivateKey", "clientPublicKey")] {
            let privateKey = try Self.bytes(inputs[own])
            let peerKey = try Self.bytes(inputs[other])
            let keys = try #require(
                SessionKeys(
                    privateKey: privateKey, peerPublicKey: peerKey, joinCode: inputs["joinCode"] as? String,
                    transcript: transcript))
            #expect(keys.clientToHost.bytes == (try Self.bytes(vector["clientToHostKey"])))
            #expect(keys.hostToClient.bytes == (try Self.bytes(vector["hostToClientKey"])))
            let response = try #require(ResponsePacket(try Self.bytes(vector["response"])))
            #expect(keys.confirmationTag(fields: response.fields) == response.confirmationTag)
            #expect(
                AcceptedPacket.open(try Self.bytes(vector["accepted"]), keys: keys)?.rawValue == vector["peerID"]
                    as? UInt32)
        }
    }

    @Test("each published connected packet opens with its key to its plaintext, and its frames decode")
    func connectedPacketsOpen() throws {
        let vector = try Self.published("connected.json")
        let keys = [
            "clientToHost": PacketKey(bytes: try Self.bytes(vector["clientToHostKey"])),
            "hostToClient": PacketKey(bytes: try Self.bytes(vector["hostToClientKey"])),
        ]
        for packet in try #require(vector["packets"] as? [[String: Any]]) {
            let bytes = try Self.bytes(packet["packet"])
            let header = try #require(ConnectedHeader(bytes))
            let rawPurpose = try #require(packet["noncePurpose"] as? Int)
            let purpose = try #require(NoncePurpose(rawValue: UInt32(rawPurpose)))
            let sequence = try #require((packet["sequence"] as? NSNumber)?.uint64Value)
            let direction = try #require(packet["direction"] as? String)
            let key = try #require(keys[direction])
            let plaintext = ConnectedPacket.open(bytes, header: header, sequence: sequence, key: key, purpose: purpose)
            #expect(plaintext == (try Self.bytes(packet["plaintext"])))
            #expect(Frame.decode(try #require(plaintext)) != nil)
        }
    }

    @Test("each published channel payload decodes to its listed header and entries")
    func channelPayloadsDecode() throws {
        let vector = try Self.published("channel.json")
        let geometry = ChannelGeometry(ChannelConfig())
        for payload in try #require(vector["payloads"] as? [[String: Any]]) {
            let bytes = try Self.bytes(payload["payload"])
            let (header, entries) = try PayloadDecoder.decode(bytes, layout: .standard) {
                geometry.maxFragments(for: $0)
            }
            #expect(Int(header.sequence) == payload["sequence"] as? Int && Int(header.ack) == payload["ack"] as? Int)
            #expect(Int(header.ackBits) == payload["ackBits"] as? Int)
            #expect(Int(header.ackDelay) == payload["ackDelay"] as? Int)
            let listed = try #require(payload["entries"] as? [[String: Any]])
            #expect(entries.count == listed.count)
            for (entry, expected) in zip(entries, listed) {
                #expect(Int(entry.channel) == expected["channel"] as? Int)
                #expect(Int(entry.messageID) == expected["messageNumber"] as? Int)
                #expect(entry.fragment?.index == expected["fragmentIndex"] as? Int)
                #expect(entry.fragment?.count == expected["fragmentCount"] as? Int)
                #expect(Array(bytes[entry.range]) == (try Self.bytes(expected["data"])))
            }
        }
    }

    @Test("each published malformed channel payload is refused, for the reason its name gives")
    func malformedChannelPayloadsAreRefused() throws {
        let vector = try Self.published("channel.json")
        let geometry = ChannelGeometry(ChannelConfig())
        let limits = try #require(vector["limits"] as? [String: Any])
        #expect(limits["reliableWindow"] as? Int == ReliableReceiveChannel.window)
        let reasons: [String: PayloadDecodeError] = [
            "emptyReliableEntry": .emptyReliableEntry, "version2": .badVersion,
        ]
        let malformed = try #require(vector["malformed"] as? [[String: Any]])
        #expect(Set(malformed.compactMap { $0["name"] as? String }) == Set(reasons.keys))
        for payload in malformed {
            let name = try #require(payload["name"] as? String)
            let reason = try #require(reasons[name])
            let bytes = try Self.bytes(payload["payload"])
            #expect(throws: reason) {
                try PayloadDecoder.decode(bytes, layout: .standard) { geometry.maxFragments(for: $0) }
            }
        }
    }

    @Test(
        "each published message body decodes and re-encodes to the same bytes; the schema text hashes to the fingerprint"
    )
    func messageBodiesRoundTrip() throws {
        let vector = try Self.published("messages.json")
        let registry = MessageRegistry(VectorMessages.all)
        let schemaText = try #require(vector["schemaText"] as? String)
        #expect(SchemaFingerprint(hashing: schemaText).bytes == (try Self.bytes(vector["fingerprint"])))
        for message in try #require(vector["messages"] as? [[String: Any]]) {
            let encoded = try Self.bytes(message["encoded"])
            let decoded = try registry.decode(encoded)
            #expect(try registry.encode(decoded) == encoded)
            #expect(type(of: decoded).messageName == message["type"] as? String)
        }
    }

    @Test("the rejoin code, the claimed seat and the succession list follow from their published inputs")
    func migrationFollowsFromInputs() throws {
        let vector = try Self.published("migration.json")
        let secret = try Self.bytes(vector["secret"])
        let seat = PeerID(rawValue: UInt32(try #require(vector["seat"] as? Int)))
        let code = try #require(vector["rejoinCode"] as? String)
        #expect(code.count == 64 && code == Rejoin.code(secret: secret, peer: seat))
        let response = try #require(ResponsePacket(try Self.bytes(vector["rejoinResponse"])))
        #expect(response.rejoinAs == seat)
        let accepted = try Self.bytes(vector["rejoinAccepted"])
        #expect(accepted.count == AcceptedPacket.byteCount && Array(accepted[1..<5]) == [0x78, 0x56, 0x34, 0x12])
        let plan = try #require(Succession(bytes: try Self.bytes(vector["succession"])))
        #expect(plan.secret == secret && plan.members.map(\.peer.rawValue) == [0x1234_5678, 0x0BAD_CAFE])
    }
}
