import Crypto

/// A 128-bit hash of every registered message type's structure. Two programs whose
/// fingerprints differ cannot understand each other's messages and refuse to connect.
public struct SchemaFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// Bytes in a fingerprint: 128 bits make an accidental match between different schemas
    /// practically impossible while staying small in the handshake.
    package static let byteCount = 16

    /// The fingerprint's bytes.
    package let bytes: [UInt8]

    /// Wraps fingerprint bytes received from a peer; nil unless exactly ``byteCount`` long.
    package init?(bytes: [UInt8]) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// The fingerprint of a canonical schema text.
    package init(hashing text: String) {
        bytes = Array(SHA256.hash(data: Array(text.utf8)).prefix(Self.byteCount))
    }

    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// The readable structure of a set of message types: one line per message and per field
/// (`Move.x: Float quantized 0.0...2048.0 step 0.015625 (17 bits)`), in wire order.
public struct MessageSchema: Hashable, Sendable, CustomStringConvertible {
    /// The canonical lines.
    package let lines: [String]
    /// The lines joined, one a line: what a host sends a client whose schema differs.
    public let description: String
    /// The hash of ``description``, exchanged in the handshake.
    package let fingerprint: SchemaFingerprint

    /// Creates a schema from its lines. Its text and hash are made here, once: a registry is
    /// built once per type list per process, and every connect read both (joining the lines
    /// twice and hashing them: about a fifth of a loopback connect's set-up in its profile).
    package init(lines: [String]) {
        self.lines = lines
        description = lines.joined(separator: "\n")
        fingerprint = SchemaFingerprint(hashing: description)
    }

    /// The schema of no types.
    package static let empty = MessageSchema(lines: [])

    /// Parses a schema sent by a peer (its ``description``).
    package init(description: String) {
        self.init(lines: description.split(separator: "\n", omittingEmptySubsequences: true).map(String.init))
    }

    /// A readable account of how `remote` differs from this schema: each line only one side
    /// has, marked with the side. Empty when they are the same.
    public func difference(from remote: MessageSchema) -> String {
        let localOnly = lines.filter { !remote.lines.contains($0) }
        let remoteOnly = remote.lines.filter { !lines.contains($0) }
        if localOnly.isEmpty && remoteOnly.isEmpty {
            return lines == remote.lines ? "" : "same fields in a different order"
        }
        return (localOnly.map { "here only:  \($0)" } + remoteOnly.map { "peer only:  \($0)" }).joined(separator: "\n")
    }
}
