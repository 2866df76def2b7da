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

@Suite("Discovery core")
struct DiscoveryCoreTests {
    static let fingerprint = [UInt8](repeating: 7, count: 16)

    static func advert(instance: UInt64 = 1, game: String = "skirmish", port: UInt16 = 40_000) -> GameAdvert {
        GameAdvert(
            hostInstanceID: instance, gameName: game, hostName: "ann", players: 1, capacity: 4,
            protocolVersion: 3, schemaFingerprint: fingerprint, gamePort: port, requiresJoinCode: true)
    }

    static let browserAddress = PeerAddress(family: .ipv4, address: [10, 0, 0, 2], port: 47_778)
    static let hostAddress = PeerAddress(family: .ipv4, address: [10, 0, 0, 1], port: 47_777)

    @Test func advertsAreNeverLargerThanTheQueryThatAskedForThem() {
        let longest = String(repeating: "é", count: 40)
        let advert = GameAdvert(
            hostInstanceID: .max, gameName: longest, hostName: longest, players: 300, capacity: 300,
            protocolVersion: .max, schemaFingerprint: Self.fingerprint, gamePort: .max, requiresJoinCode: true)
        var responder = DiscoveryResponder(advert: advert)
        var browser = DiscoveryBrowser(
            gameFilter: "", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        let query = browser.makeQuery()
        #expect(query.count == DiscoveryPacket.queryBytes)
        let reply = responder.answer(query, from: Self.browserAddress, now: .zero)
        #expect(reply != nil)
        #expect(reply!.count <= query.count)
        #expect(responder.announcement().count <= DiscoveryPacket.maxAdvertBytes)
        #expect(DiscoveryPacket.maxAdvertBytes < DiscoveryPacket.queryBytes)
    }

    @Test func advertsCarryNoSecretAndRoundTrip() throws {
        let advert = Self.advert()
        let bytes = DiscoveryPacket.encode(.init(kind: .announce, nonce: 0, advert: advert))
        #expect(DiscoveryPacket.decodeAdvert(bytes)?.advert == advert)
        #expect(!String(decoding: bytes, as: UTF8.self).contains("secret"))
    }

    @Test func shortMalformedAndForeignQueriesGetNoAnswerAndAreCounted() {
        var responder = DiscoveryResponder(advert: Self.advert())
        var other = DiscoveryBrowser(
            gameFilter: "chess", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        let full = other.makeQuery()
        #expect(responder.answer(Array(full.prefix(40)), from: Self.browserAddress, now: .zero) == nil)  // unpadded
        #expect(responder.answer([UInt8](repeating: 0xFF, count: 160), from: Self.browserAddress, now: .zero) == nil)
        #expect(responder.answer(full, from: Self.browserAddress, now: .zero) == nil)
        #expect(responder.ignored[.malformed] == 2)
        #expect(responder.ignored[.otherGame] == 1)
    }

    @Test func queriesAreRateLimitedPerSourceAndTheTableStaysBounded() {
        var responder = DiscoveryResponder(advert: Self.advert())
        var browser = DiscoveryBrowser(
            gameFilter: "skirmish", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        let answered = (0..<100).filter { _ in
            responder.answer(browser.makeQuery(), from: Self.browserAddress, now: .zero) != nil
        }.count
        #expect(answered == Int(DiscoveryResponder.answerBurst))
        #expect(responder.ignored[.rateLimited] == 100 - answered)
        // A second later the source has earned a few answers back.
        let later = NetInstant.seconds(1)
        #expect(responder.answer(browser.makeQuery(), from: Self.browserAddress, now: later) != nil)
        // 100,000 fake sources: every one answered once, memory bounded by the table cap.
        let query = browser.makeQuery()
        for index in 0..<100_000 {
            let fake = PeerAddress(
                family: .ipv4, address: [10, UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)],
                port: 1)
            _ = responder.answer(query, from: fake, now: later)
        }
        #expect(responder.trackedSources <= DiscoveryResponder.maxTrackedSources)
    }

    @Test func aQueryHeardByBroadcastAndMulticastIsAnsweredOnce() {
        var responder = DiscoveryResponder(advert: Self.advert())
        var browser = DiscoveryBrowser(
            gameFilter: "skirmish", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        let query = browser.makeQuery()
        #expect(responder.answer(query, from: Self.browserAddress, now: .zero) != nil)
        #expect(responder.answer(query, from: Self.browserAddress, now: .zero) == nil)
        #expect(responder.ignored[.duplicate] == 1)
        // The copy cost no token: the rest of the burst is still there for fresh queries.
        let fresh = (1..<Int(DiscoveryResponder.answerBurst)).filter { _ in
            responder.answer(browser.makeQuery(), from: Self.browserAddress, now: .zero) != nil
        }
        #expect(fresh.count == Int(DiscoveryResponder.answerBurst) - 1)
    }

    @Test func aHostHeardTwoWaysKeepsTheFirstAddress() {
        var browser = DiscoveryBrowser(
            gameFilter: "skirmish", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        var responder = DiscoveryResponder(advert: Self.advert())
        let reply = responder.answer(browser.makeQuery(), from: Self.browserAddress, now: .zero)!
        let overIPv6 = PeerAddress(
            family: .ipv6, address: [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [1], port: 1)
        #expect(browser.receive(reply, from: Self.hostAddress, now: .zero).count == 1)
        #expect(browser.receive(reply, from: overIPv6, now: .zero).isEmpty, "no update: same game, same address")
        #expect(browser.currentGames.first?.address.family == .ipv4)
    }

    @Test func browserFindsUpdatesAndLosesGamesAndTellsHostsOnOneMachineApart() {
        var browser = DiscoveryBrowser(
            gameFilter: "skirmish", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        var first = DiscoveryResponder(advert: Self.advert(instance: 1, port: 40_000))
        var second = DiscoveryResponder(advert: Self.advert(instance: 2, port: 40_001))
        let query = browser.makeQuery()
        let fromFirst = first.answer(query, from: Self.browserAddress, now: .zero)!
        let fromSecond = second.answer(query, from: Self.browserAddress, now: .zero)!
        // Same source address (one machine), two games.
        #expect(browser.receive(fromFirst, from: Self.hostAddress, now: .zero).count == 1)
        #expect(browser.receive(fromSecond, from: Self.hostAddress, now: .zero).count == 1)
        #expect(browser.currentGames.map(\.address.port) == [40_000, 40_001])
        #expect(browser.currentGames.first?.address.addressBytes == [10, 0, 0, 1])

        first.advert.players = 2
        let events = browser.receive(first.announcement(), from: Self.hostAddress, now: .seconds(1))
        #expect(events.count == 1)
        if case .updated(let game) = events.first {
            #expect(game.advert.players == 2)
        } else {
            Issue.record("expected an update")
        }

        #expect(browser.receive(second.goodbye(), from: Self.hostAddress, now: .seconds(1)).count == 1)
        #expect(browser.currentGames.count == 1)
        let expired = browser.update(now: .seconds(1) + DiscoveryBrowser.expiry + .milliseconds(1))
        #expect(expired.count == 1 && browser.currentGames.isEmpty)
    }

    @Test func incompatibleGamesAreListedAsSuchNotHidden() {
        var browser = DiscoveryBrowser(
            gameFilter: "", protocolVersion: 4, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        let oldVersion = DiscoveryResponder(advert: Self.advert()).announcement()
        var otherBuild = Self.advert(instance: 9)
        otherBuild.protocolVersion = 4
        otherBuild.schemaFingerprint = [UInt8](repeating: 1, count: 16)
        _ = browser.receive(oldVersion, from: Self.hostAddress, now: .zero)
        _ = browser.receive(DiscoveryResponder(advert: otherBuild).announcement(), from: Self.hostAddress, now: .zero)
        #expect(browser.currentGames.map(\.compatibility) == [.versionMismatch(local: 4, remote: 3), .schemaMismatch])
    }

    @Test func garbageNeverTrapsAndIsCounted() {
        var browser = DiscoveryBrowser(
            gameFilter: "", protocolVersion: 3, schemaFingerprint: Self.fingerprint, nonceSeed: 1)
        var responder = DiscoveryResponder(advert: Self.advert())
        var random = DeterministicRandom(seed: 5)
        let valid = responder.announcement()
        for index in 0..<20_000 {
            var bytes = index % 2 == 0 ? valid : random.bytes(Int.random(in: 0...200, using: &random))
            if index % 2 == 0 { bytes[Int.random(in: 4..<bytes.count, using: &random)] ^= 0xFF }
            _ = browser.receive(bytes, from: Self.hostAddress, now: .zero)
            _ = responder.answer(bytes, from: Self.browserAddress, now: .zero)
        }
        #expect(browser.currentGames.count <= DiscoveryBrowser.maxGames)
    }
}
