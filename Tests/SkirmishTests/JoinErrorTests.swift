import Netplay
import SkirmishNet
import Testing

/// What a player reads when joining goes wrong: what happened and what to do.
@Suite("Join errors a newcomer meets")
struct JoinErrorTests {
    /// A join string for 127.0.0.1 carrying a code; nothing needs to listen there.
    static let joinStringWithCode = JoinString(
        address: PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: 9), joinCode: "TIGER7"
    ).description

    @Test func aCodeThatContradictsTheJoinStringIsRefusedNotIgnored() async {
        var settings = SessionSettings.loopback
        settings.discovery = nil
        await #expect {
            _ = try await GameSession.join(joinString: Self.joinStringWithCode, code: "WRONG1", settings: settings)
        } throws: { error in
            "\(error)".contains("already carries a join code")
        }
    }

    @Test func aHostOfAnotherGameIsNamed() async throws {
        let other = try await NetHost.start(
            game: "hid", port: 0, interface: "127.0.0.1", messages: SkirmishProtocol.messages,
            options: SkirmishProtocol.options, advertise: nil)
        var settings = SessionSettings.loopback
        settings.discovery = nil
        let joinString = JoinString(address: PeerAddress(family: .ipv4, address: [127, 0, 0, 1], port: other.port))
        await #expect {
            _ = try await GameSession.join(joinString: joinString.description, settings: settings)
        } throws: { error in
            "\(error)"
                == "The host at 127.0.0.1:\(other.port) runs 'hid', not Skirmish: check the join string or address."
        }
        await other.close()
    }
}
