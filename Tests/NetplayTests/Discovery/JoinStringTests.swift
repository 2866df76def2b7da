import Testing

@testable import Netplay
@testable import NetplayBase
@testable import NetplayChannels
@testable import NetplayDiscovery
@testable import NetplayDrivers
@testable import NetplayProtocol
@testable import NetplayReplication
@testable import NetplayTesting
@testable import NetplayWire

@Suite("Join strings")
struct JoinStringTests {
    static let ipv4 = PeerAddress(family: .ipv4, address: [192, 168, 1, 20], port: 40_000)
    static let ipv6 = PeerAddress(
        family: .ipv6, address: [0xFE, 0x80] + [UInt8](repeating: 0, count: 12) + [0x12, 0x34], port: 7)

    @Test(arguments: [(ipv4, "TIGER7"), (ipv4, nil), (ipv6, "é🎮"), (ipv6, nil)] as [(PeerAddress, String?)])
    func roundTrips(address: PeerAddress, code: String?) throws {
        let join = JoinString(address: address, joinCode: code)
        let text = join.description
        #expect(text.hasPrefix("NP-"))
        #expect(try JoinString(parsing: text) == join)
    }

    @Test func theDocumentedExampleIsTrue() throws {
        #expect(JoinString(address: Self.ipv4, joinCode: "TIGER7").description == "NP-0K0A-G08M-KH05-8JA7-8N93-E-V")
    }

    @Test func typingIsForgiving() throws {
        let join = JoinString(address: Self.ipv4, joinCode: "ABC")
        let typed = join.description.lowercased().replacingOccurrences(of: "-", with: " ")
        #expect(try JoinString(parsing: typed) == join)
        let withLookAlikes = join.description.replacingOccurrences(of: "0", with: "O").replacingOccurrences(
            of: "1", with: "I")
        #expect(try JoinString(parsing: withLookAlikes) == join)
    }

    @Test func everySingleSymbolTypoIsCaught() {
        let text = JoinString(address: Self.ipv4, joinCode: "TIGER7").description
        let characters = Array(text)
        var caught = 0
        var tried = 0
        for index in characters.indices where index > 2 && characters[index] != "-" {
            for replacement in JoinString.alphabet where replacement != characters[index] {
                var typo = characters
                typo[index] = replacement
                tried += 1
                if (try? JoinString(parsing: String(typo))) == nil { caught += 1 }
            }
        }
        #expect(caught == tried)
    }

    @Test func badStringsGetClearErrors() {
        #expect(throws: JoinString.ParseError.empty) { try JoinString(parsing: "  ") }
        #expect(throws: JoinString.ParseError.notAJoinString) { try JoinString(parsing: "192.168.1.20:40000") }
        #expect(throws: JoinString.ParseError.invalidCharacter("!", position: 4)) {
            try JoinString(parsing: "NP-AB!C-D")
        }
        #expect(throws: JoinString.ParseError.malformedContent) { try JoinString(parsing: "NP-0") }
        let description = JoinString.ParseError.checksumMismatch.description
        #expect(description.contains("typo"))
    }
}
