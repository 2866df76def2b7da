import NetplayWire

/// What a connected packet carries once decrypted: a list of frames, each a type byte and body.
package enum Frame: Sendable, Hashable {
    /// Application bytes: `0x01, varint length, bytes`.
    case payload([UInt8])
    /// Nothing but proof of life: `0x02`.
    case keepalive
    /// The sender is closing: `0x03, code (u8), varint text length, UTF-8 text` (length 0: no text).
    case disconnect(DisconnectFrame)
    /// The host asks whether the sender of an authentic packet from a new address is really
    /// there: `0x04, 8 random bytes`, sent to that address only (§ path validation).
    case pathChallenge(PathToken)
    /// The answer, echoing the challenge's bytes: `0x05, 8 bytes`.
    case pathResponse(PathToken)

    package enum Kind: UInt8 {
        case payload = 1
        case keepalive = 2
        case disconnect = 3
        case pathChallenge = 4
        case pathResponse = 5
    }

    /// Type byte plus a length varint of up to two bytes (lengths below 16384).
    static let payloadOverheadBytes = 1 + 2
    /// Longest payload a frame may claim; well above any MTU, it only bounds the parser.
    package static let maxPayloadBytes = (1 << 14) - 1

    /// Appends one payload frame to `bytes`: the bytes ``encode(_:)`` writes for it.
    static func appendPayload(_ payload: [UInt8], to bytes: inout [UInt8]) {
        bytes.append(Kind.payload.rawValue)
        var rest = UInt64(payload.count)
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        bytes.append(contentsOf: payload)
    }

    /// The payload if `plaintext` is exactly one payload frame (the usual packet), taken out
    /// of `plaintext` in place; nil otherwise, and `plaintext` is left as it was.
    static func takeSolePayload(_ plaintext: inout [UInt8]) -> [UInt8]? {
        // `[0]`, not `first`: unspecialized (debug builds), the generic `first` allocated.
        guard !plaintext.isEmpty, plaintext[0] == Kind.payload.rawValue else { return nil }
        var length = 0
        var shift = 0
        var index = 1
        // Lengths are below 2^14: at most two varint bytes.
        while index < plaintext.count, index <= 2 {
            let byte = plaintext[index]
            length |= Int(byte & 0x7F) << shift
            index += 1
            if byte & 0x80 == 0 {
                guard length <= maxPayloadBytes, length == plaintext.count - index else { return nil }
                plaintext.removeFirst(index)
                return plaintext
            }
            shift += 7
        }
        return nil
    }

    package static func encode(_ frames: [Frame]) -> [UInt8] {
        var writer = BitWriter(capacity: 64)
        for index in frames.indices {
            let frame = frames[index]
            switch frame {
            case .payload(let bytes):
                writer.writeFixed(Kind.payload.rawValue)
                writer.writeVarUInt(UInt64(bytes.count))
                writer.writeRawBytes(bytes)
            case .keepalive:
                writer.writeFixed(Kind.keepalive.rawValue)
            case .disconnect(let disconnect):
                let text = Array(
                    DeniedPacket.truncated(disconnect.text ?? "", toUTF8Bytes: DisconnectFrame.maxTextBytes).utf8)
                writer.writeFixed(Kind.disconnect.rawValue)
                writer.writeFixed(disconnect.code.rawValue)
                writer.writeVarUInt(UInt64(text.count))
                writer.writeRawBytes(text)
            case .pathChallenge(let token):
                writer.writeFixed(Kind.pathChallenge.rawValue)
                writer.writeRawBytes(token.bytes)
            case .pathResponse(let token):
                writer.writeFixed(Kind.pathResponse.rawValue)
                writer.writeRawBytes(token.bytes)
            }
        }
        return writer.finish()
    }

    /// The frames in `plaintext`, or nil if it is empty or any frame is malformed.
    package static func decode(_ plaintext: [UInt8]) -> [Frame]? {
        var reader = BitReader(plaintext)
        var frames = [Frame]()
        while reader.remainingBits > 0 {
            guard let frame = decodeOne(&reader) else { return nil }
            frames.append(frame)
        }
        return frames.isEmpty ? nil : frames
    }

    private static func decodeOne(_ reader: inout BitReader) -> Frame? {
        guard let raw = reader.bytes(1)?.first, let kind = Kind(rawValue: raw) else { return nil }
        switch kind {
        case .keepalive:
            return .keepalive
        case .payload:
            guard let count = try? reader.readLength(limit: maxPayloadBytes, minimumBitsEach: 8, "payload length"),
                let bytes = reader.bytes(count)
            else { return nil }
            return .payload(bytes)
        case .disconnect:
            guard let rawCode = reader.bytes(1)?.first, let code = DisconnectFrame.Code(rawValue: rawCode),
                let count = try? reader.readLength(
                    limit: DisconnectFrame.maxTextBytes, minimumBitsEach: 8, "disconnect text"),
                let bytes = reader.bytes(count), let text = String(validating: bytes, as: UTF8.self)
            else { return nil }
            return .disconnect(DisconnectFrame(code: code, text: text.isEmpty ? nil : text))
        case .pathChallenge:
            return reader.bytes(PathToken.byteCount).map { .pathChallenge(PathToken(bytes: $0)) }
        case .pathResponse:
            return reader.bytes(PathToken.byteCount).map { .pathResponse(PathToken(bytes: $0)) }
        }
    }
}

/// The random bytes of a path challenge, echoed by its response (QUIC's PATH_CHALLENGE data,
/// RFC 9000 §8.2): only the holder of the session keys, reading at the new address, can
/// answer, so an answer proves both.
package struct PathToken: Sendable, Hashable {
    /// 64 bits: guessing is hopeless, and the frame stays small.
    static let byteCount = 8

    package let bytes: [UInt8]

    package init(bytes: [UInt8]) {
        precondition(bytes.count == Self.byteCount, "a path token is \(Self.byteCount) bytes")
        self.bytes = bytes
    }
}

/// A disconnect frame's content: who is closing and why.
package struct DisconnectFrame: Sendable, Hashable {
    /// Longest reason text sent, in UTF-8 bytes.
    static let maxTextBytes = 256

    package enum Code: UInt8 {
        /// The sender closed the connection (the receiver sees `.closedByPeer`).
        case closed = 1
        /// The host removed the client (the client sees `.kicked`).
        case kicked = 2
        /// The host is shutting down (the client sees `.hostShutDown`).
        case hostShutDown = 3
        /// The host is leaving and hands the session to the next player in its succession
        /// order (the client sees `.hostLeft`, and takes part in the handover if it can).
        case handover = 4
    }

    package var code: Code
    package var text: String?

    package init(code: Code, text: String?) {
        self.code = code
        self.text = text
    }

    /// The reason the receiver reports.
    var reasonAtReceiver: DisconnectReason {
        switch code {
        case .closed: return .closedByPeer(reason: text)
        case .kicked: return .kicked(reason: text)
        case .hostShutDown: return .hostShutDown
        case .handover: return .hostLeft
        }
    }
}
