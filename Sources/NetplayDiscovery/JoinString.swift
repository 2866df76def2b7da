import NetplayBase

/// A short string that carries everything needed to join a game where discovery cannot reach:
/// the host's address, its port and the join code, in Crockford base32 with a check symbol.
///
/// `NP-0K0A-G08M-KH05-8JA7-8N93-E-V` (192.168.1.20, port 40000, code TIGER7) reads aloud without ambiguity (no I, L, O or U; lowercase, spaces
/// and look-alikes are forgiven when typed) and a typo is caught by the check symbol instead
/// of sending the player to a stranger's address.
public struct JoinString: Sendable, Hashable, CustomStringConvertible {
    /// Where the game listens.
    public var address: PeerAddress
    /// The code the host shows, if joining needs one.
    public var joinCode: String?

    /// Longest join code a join string carries, in UTF-8 bytes.
    static let maxCodeBytes = 16
    package static let prefix = "NP"
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// Crockford's check symbols: the 32 digits plus five more, for a modulus of 37 (prime,
    /// so every single-symbol substitution and adjacent transposition changes the check).
    static let checkAlphabet = alphabet + Array("*~$=U")
    static let groupLength = 4

    /// Creates a join string for `address` (IPv4 or IPv6) and an optional code.
    public init(address: PeerAddress, joinCode: String? = nil) {
        self.address = address
        self.joinCode = joinCode.flatMap { $0.isEmpty ? nil : GameAdvertCode.shortened($0) }
    }

    /// Why a typed or pasted join string was refused.
    public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing was given.
        case empty
        /// It does not start with `NP-`.
        case notAJoinString
        /// A character that is not in the join-string alphabet, at this position.
        case invalidCharacter(Character, position: Int)
        /// The check symbol does not match: a typo somewhere.
        case checksumMismatch
        /// The decoded bytes are not an address, port and code.
        case malformedContent

        public var description: String {
            switch self {
            case .empty: "the join string is empty"
            case .notAJoinString: "a join string starts with NP- (e.g. NP-0K0A-G08M-KH05-8JA7-8N93-E-V)"
            case .invalidCharacter(let character, let position):
                "'\(character)' at position \(position + 1) cannot appear in a join string"
            case .checksumMismatch: "the join string has a typo (its check symbol does not match); copy it again"
            case .malformedContent: "the join string does not hold an address and port; copy it again"
            }
        }
    }

    /// Parses a typed or pasted join string.
    public init(parsing text: String) throws(ParseError) {
        let cleaned = text.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard !cleaned.isEmpty else { throw .empty }
        guard cleaned.hasPrefix(Self.prefix) else { throw .notAJoinString }
        let symbols = Array(cleaned.dropFirst(Self.prefix.count))
        guard symbols.count >= 2, symbols.count <= 96 else { throw .malformedContent }
        var values: [Int] = []
        for (index, character) in symbols.dropLast().enumerated() {
            guard let value = Self.value(of: character) else {
                throw .invalidCharacter(character, position: index + Self.prefix.count)
            }
            values.append(value)
        }
        guard let check = Self.checkAlphabet.firstIndex(of: symbols.last!) else {
            throw .invalidCharacter(symbols.last!, position: symbols.count + Self.prefix.count - 1)
        }
        let bytes = Self.bytes(fromBase32: values)
        // The last symbol may carry unused bits; they must be zero, or a typo there would pass.
        guard Self.checkValue(of: bytes) == check, Self.base32(bytes) == values else { throw .checksumMismatch }
        guard let (address, code) = Self.decodeContent(bytes) else { throw .malformedContent }
        self.address = address
        self.joinCode = code
    }

    /// The string to show and share.
    public var description: String {
        let bytes = content
        let symbols = String(Self.base32(bytes).map { Self.alphabet[$0] })
        var groups: [String] = []
        var rest = Substring(symbols)
        while !rest.isEmpty {
            groups.append(String(rest.prefix(Self.groupLength)))
            rest = rest.dropFirst(Self.groupLength)
        }
        return ([Self.prefix] + groups + [String(Self.checkAlphabet[Self.checkValue(of: bytes)])]).joined(
            separator: "-")
    }

    /// Family byte, address bytes, port (big-endian), code bytes.
    private var content: [UInt8] {
        [address.family?.rawValue ?? 0] + Array(address.addressBytes) + [
            UInt8(address.port >> 8), UInt8(address.port & 0xFF),
        ]
            + Array((joinCode ?? "").utf8)
    }

    private static func decodeContent(_ bytes: [UInt8]) -> (PeerAddress, String?)? {
        guard let familyByte = bytes.first, let family = PeerAddress.Family(rawValue: familyByte) else { return nil }
        let addressLength: Int
        switch family {
        case .ipv4: addressLength = 4
        case .ipv6: addressLength = 16
        case .memory: addressLength = 8
        }
        guard bytes.count >= 1 + addressLength + 2, bytes.count - 3 - addressLength <= maxCodeBytes else { return nil }
        let address = Array(bytes[1...addressLength])
        let port = UInt16(bytes[addressLength + 1]) << 8 | UInt16(bytes[addressLength + 2])
        let codeBytes = Array(bytes[(addressLength + 3)...])
        guard let code = String(validating: codeBytes, as: UTF8.self) else { return nil }
        return (PeerAddress(family: family, address: address, port: port), code.isEmpty ? nil : code)
    }

    /// Crockford decoding forgives look-alikes: O is 0, I and L are 1.
    private static func value(of character: Character) -> Int? {
        switch character {
        case "O": 0
        case "I", "L": 1
        default: alphabet.firstIndex(of: character)
        }
    }

    private static func checkValue(of bytes: [UInt8]) -> Int {
        bytes.reduce(0) { ($0 * 256 + Int($1)) % checkAlphabet.count }
    }

    private static func base32(_ bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                result.append((buffer >> bits) & 31)
            }
            buffer &= (1 << bits) - 1
        }
        if bits > 0 { result.append((buffer << (5 - bits)) & 31) }
        return result
    }

    private static func bytes(fromBase32 values: [Int]) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = 0
        var bits = 0
        for value in values {
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                bits -= 8
                result.append(UInt8((buffer >> bits) & 0xFF))
            }
            buffer &= (1 << bits) - 1
        }
        return result
    }
}

/// Join codes in join strings are capped like names in adverts.
package enum GameAdvertCode {
    static func shortened(_ code: String) -> String {
        var result = ""
        for character in code {
            guard result.utf8.count + String(character).utf8.count <= JoinString.maxCodeBytes else { break }
            result.append(character)
        }
        return result
    }
}
