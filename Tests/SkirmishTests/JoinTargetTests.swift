import Netplay
import Testing

@testable import SkirmishNet

/// `skirmish join` takes an address as the other tools do, not only a join string.
@Suite("Join targets")
struct JoinTargetTests {
    @Test func addressesWithAndWithoutPortsBecomeJoinStrings() throws {
        let cases: [(String, String, Int)] = [
            ("127.0.0.1", "127.0.0.1", 7777), ("127.0.0.1:40000", "127.0.0.1", 40000),
            ("::1", "::1", 7777), ("[::1]:40001", "::1", 40001), ("[::1]", "::1", 7777),
        ]
        for (typed, host, port) in cases {
            let parsed = try JoinTarget.parse(typed, defaultPort: 7777)
            #expect(parsed.address == (try PeerAddress(numericHost: host, port: port)), "\(typed)")
            #expect(parsed.joinCode == nil)
        }
        #expect(try JoinTarget.parse("127.0.0.1", defaultPort: 0).address.port == UInt16(NetHost.defaultPort))
    }

    @Test func aJoinStringStillWorks() throws {
        let join = JoinString(address: try PeerAddress(numericHost: "127.0.0.1", port: 4242), joinCode: "TIGER7")
        #expect(try JoinTarget.parse(join.description, defaultPort: 7777) == join)
    }

    @Test func neitherAddressNorJoinStringSaysWhatIsExpected() {
        for typed in ["localhost:x", "127.0.0.1:port", "[::1]x"] {
            #expect(throws: SessionError.self) { try JoinTarget.parse(typed, defaultPort: 7777) }
        }
    }
}
