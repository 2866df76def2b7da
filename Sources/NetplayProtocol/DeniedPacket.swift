import NetplayWire

/// Why a host refused a handshake, as carried in a `denied` packet.
package enum DenialReason: Sendable, Hashable {
    case hostFull
    case versionMismatch(host: UInt32, client: UInt32)
    case schemaMismatch(hostDescription: String)
    case wrongJoinCode
    /// The hello named another game (protocol id): the host says which game it runs.
    case wrongGame(hostGame: String)
    /// The host already serves ``ProtocolConfig/maxPeersPerSource`` players from the
    /// client's address.
    case tooManyFromAddress

    /// Wire codes (one byte).
    package enum Code: UInt8 {
        case hostFull = 1
        case versionMismatch = 2
        case schemaMismatch = 3
        case wrongJoinCode = 4
        case wrongGame = 5
        case tooManyFromAddress = 6
    }
}

/// Host → client: `type, protocolID, clientNonce, reason code, reason fields`.
///
/// Not authenticated (a client with the wrong join code shares no key with the host), so an
/// on-path attacker can forge one, as with ICMP errors or TCP resets; off-path attackers cannot
/// because they do not know the 128-bit client nonce it must echo. Only sent after the client
/// proved its address, and always smaller than the padded `response` it answers — except
/// `wrongGame`, which answers a `hello` (the client never gets further), carries only the
/// host's game name, and is at most 55 bytes against the hello's 1200.
package struct DeniedPacket: Sendable, Hashable {
    /// Longest schema description sent, in UTF-8 bytes: enough to read, and well under the
    /// 1200-byte response it answers.
    static let maxDescriptionBytes = 1024
    /// Longest game name sent, in UTF-8 bytes: as long as a discovery advert's, so the denial
    /// answering a 1200-byte hello stays under 60 bytes.
    static let maxGameNameBytes = 32

    package var protocolID: UInt32
    var clientNonce: [UInt8]
    package var reason: DenialReason

    package func encoded() -> [UInt8] {
        var writer = BitWriter(capacity: 64)
        writer.writeFixed(PacketType.denied.rawValue)
        writer.writeFixed(protocolID)
        writer.writeRawBytes(clientNonce)
        switch reason {
        case .hostFull:
            writer.writeFixed(DenialReason.Code.hostFull.rawValue)
        case .versionMismatch(let host, let client):
            writer.writeFixed(DenialReason.Code.versionMismatch.rawValue)
            writer.writeFixed(host)
            writer.writeFixed(client)
        case .schemaMismatch(let description):
            let text = Array(Self.truncated(description, toUTF8Bytes: Self.maxDescriptionBytes).utf8)
            writer.writeFixed(DenialReason.Code.schemaMismatch.rawValue)
            writer.writeFixed(UInt16(text.count))
            writer.writeRawBytes(text)
        case .wrongJoinCode:
            writer.writeFixed(DenialReason.Code.wrongJoinCode.rawValue)
        case .wrongGame(let hostGame):
            let name = Array(Self.truncated(hostGame, toUTF8Bytes: Self.maxGameNameBytes).utf8)
            writer.writeFixed(DenialReason.Code.wrongGame.rawValue)
            writer.writeFixed(UInt8(name.count))
            writer.writeRawBytes(name)
        case .tooManyFromAddress:
            writer.writeFixed(DenialReason.Code.tooManyFromAddress.rawValue)
        }
        return writer.finish()
    }

    package init(protocolID: UInt32, clientNonce: [UInt8], reason: DenialReason) {
        self.protocolID = protocolID
        self.clientNonce = clientNonce
        self.reason = reason
    }

    package init?(_ bytes: [UInt8]) {
        var reader = BitReader(bytes)
        guard reader.bytes(1) == [PacketType.denied.rawValue], let protocolID = reader.u32(),
            let nonce = reader.bytes(FieldSize.clientNonce),
            let rawCode = reader.bytes(1)?.first, let code = DenialReason.Code(rawValue: rawCode)
        else { return nil }
        let reason: DenialReason
        switch code {
        case .hostFull: reason = .hostFull
        case .wrongJoinCode: reason = .wrongJoinCode
        case .tooManyFromAddress: reason = .tooManyFromAddress
        case .versionMismatch:
            guard let host = reader.u32(), let client = reader.u32() else { return nil }
            reason = .versionMismatch(host: host, client: client)
        case .schemaMismatch:
            guard let length = try? reader.readFixed(UInt16.self), Int(length) <= Self.maxDescriptionBytes,
                let text = reader.bytes(Int(length)), let description = String(validating: text, as: UTF8.self)
            else { return nil }
            reason = .schemaMismatch(hostDescription: description)
        case .wrongGame:
            guard let length = try? reader.readFixed(UInt8.self), Int(length) <= Self.maxGameNameBytes,
                let text = reader.bytes(Int(length)), let name = String(validating: text, as: UTF8.self)
            else { return nil }
            reason = .wrongGame(hostGame: name)
        }
        guard reader.remainingBits == 0 else { return nil }
        self.init(protocolID: protocolID, clientNonce: nonce, reason: reason)
    }

    /// The longest prefix of `text` that fits `limit` UTF-8 bytes without splitting a character's scalar.
    package static func truncated(_ text: String, toUTF8Bytes limit: Int) -> String {
        var result = String.UnicodeScalarView()
        var used = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            guard used + width <= limit else { break }
            result.append(scalar)
            used += width
        }
        return String(result)
    }
}
