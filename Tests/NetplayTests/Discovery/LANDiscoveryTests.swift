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

/// Discovery over real sockets on 127.0.0.1 only (see the netns test for broadcast and multicast).
@Suite("LAN discovery over loopback", .serialized)
struct LANDiscoveryTests {
    static let fingerprint = SchemaFingerprint(bytes: [UInt8](repeating: 3, count: 16))!
    static let config = LANDiscoveryConfig.loopbackTest(ports: 48_777..<48_785)

    static func advert(_ instance: UInt64, name: String) -> GameAdvert {
        GameAdvert(
            hostInstanceID: instance, gameName: "skirmish", hostName: name, players: 1, capacity: 4,
            protocolVersion: 1, schemaFingerprint: fingerprint.bytes, gamePort: UInt16(40_000 + instance),
            requiresJoinCode: false)
    }

    @Test func twoHostsOnOneMachineAreBothFoundAndAGoodbyeIsSeen() async throws {
        let ann = try await LANAdvertiser.start(advert: Self.advert(1, name: "ann"), config: Self.config)
        let bob = try await LANAdvertiser.start(advert: Self.advert(2, name: "bob"), config: Self.config)
        #expect(ann.port != bob.port)
        let browser = try await LANBrowser.start(
            game: "skirmish", protocolVersion: 1, fingerprint: Self.fingerprint, config: Self.config)
        var found: Set<String> = []
        var lost: Set<String> = []
        let deadline = ContinuousClock.now + .seconds(5)
        for await event in browser.events {
            switch event {
            case .found(let game):
                found.insert(game.advert.hostName)
                #expect(game.address.addressBytes == [127, 0, 0, 1])
                if found.count == 2 { await bob.stop() }
            case .lost(let game): lost.insert(game.advert.hostName)
            case .updated: break
            }
            if !lost.isEmpty || ContinuousClock.now > deadline { break }
        }
        await browser.stop()
        await ann.stop()
        #expect(found == ["ann", "bob"])
        #expect(lost == ["bob"])
    }

    @Test func firstReturnsACompatibleGameOrSaysWhyNot() async throws {
        let host = try await LANAdvertiser.start(advert: Self.advert(3, name: "cat"), config: Self.config)
        let game = try await Discovery.first(
            game: "skirmish", timeout: .seconds(3), protocolVersion: 1,
            fingerprint: Self.fingerprint, config: Self.config)
        #expect(game.advert.hostName == "cat" && game.address.port == 40_003)
        await #expect(throws: DiscoveryError.self) {
            _ = try await Discovery.first(
                game: "skirmish", timeout: .milliseconds(600), protocolVersion: 2,
                fingerprint: Self.fingerprint, config: Self.config)
        }
        await host.stop()
        await #expect(throws: DiscoveryError.noGameFound(game: "chess", after: .milliseconds(300))) {
            _ = try await Discovery.first(
                game: "chess", timeout: .milliseconds(300), protocolVersion: 1,
                fingerprint: Self.fingerprint, config: Self.config)
        }
    }
}
