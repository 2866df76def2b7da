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

// Versions of one message, as two builds of a game might declare it.
private enum V1 {
    struct Player: NetMessage {
        var name: String
        var x: Float
        var hp: Int8
    }
}
private enum Added {
    struct Player: NetMessage {
        var name: String
        var x: Float
        var hp: Int8
        var team: UInt8
    }
}
private enum Removed {
    struct Player: NetMessage {
        var name: String
        var x: Float
    }
}
private enum Renamed {
    struct Player: NetMessage {
        var name: String
        var x: Float
        var health: Int8
    }
}
private enum Retyped {
    struct Player: NetMessage {
        var name: String
        var x: Double
        var hp: Int8
    }
}
private enum Reordered {
    struct Player: NetMessage {
        var x: Float
        var name: String
        var hp: Int8
    }
}
private enum Requantized {
    struct Player: NetMessage {
        var name: String
        @Quantized<ArenaCoordinate> var x: Float
        var hp: Int8
    }
}
private enum NestedChange {
    struct Inner: Codable { var a: UInt16 }
    struct Player: NetMessage {
        var name: String
        var x: Float
        var hp: Int8
        var inner: [Inner]
    }
}
private enum NestedChange2 {
    struct Inner: Codable { var a: UInt32 }
    struct Player: NetMessage {
        var name: String
        var x: Float
        var hp: Int8
        var inner: [Inner]
    }
}

@Suite("Schema fingerprint")
struct SchemaFingerprintTests {
    let base = MessageRegistry([V1.Player.self])

    @Test func sameTypesGiveTheSameFingerprint() {
        #expect(MessageRegistry([V1.Player.self]).fingerprint == base.fingerprint)
        #expect(base.fingerprint.bytes.count == 16)
        #expect(base.schema.lines == ["message 0 Player", "Player.name: String", "Player.x: Float", "Player.hp: Int8"])
    }

    @Test(arguments: [
        (MessageRegistry([Added.Player.self]), "peer only:  Player.team: UInt8"),
        (MessageRegistry([Removed.Player.self]), "here only:  Player.hp: Int8"),
        (MessageRegistry([Renamed.Player.self]), "peer only:  Player.health: Int8"),
        (MessageRegistry([Retyped.Player.self]), "peer only:  Player.x: Double"),
        (
            MessageRegistry([Requantized.Player.self]),
            "peer only:  Player.x: Float quantized 0.0...2048.0 step 0.015625 (18 bits)"
        ),
    ])
    func everyFieldChangeChangesTheFingerprintAndIsNamed(changed: MessageRegistry, line: String) {
        #expect(changed.fingerprint != base.fingerprint)
        let difference = base.schema.difference(from: MessageSchema(description: changed.schema.description))
        #expect(difference.contains(line), "\(difference)")
    }

    @Test func reorderingFieldsChangesTheFingerprint() {
        let reordered = MessageRegistry([Reordered.Player.self])
        #expect(reordered.fingerprint != base.fingerprint)
        #expect(base.schema.difference(from: reordered.schema) == "same fields in a different order")
    }

    @Test func nestedFieldChangesAreNamedWithTheirPath() {
        let a = MessageRegistry([NestedChange.Player.self])
        let b = MessageRegistry([NestedChange2.Player.self])
        #expect(a.fingerprint != b.fingerprint)
        #expect(a.schema.difference(from: b.schema).contains("peer only:  Player.inner[].a: UInt32"))
    }

    @Test func registrationOrderIsPartOfTheFingerprint() {
        let ab = MessageRegistry([V1.Player.self, Move.self])
        let ba = MessageRegistry([Move.self, V1.Player.self])
        #expect(ab.fingerprint != ba.fingerprint)
        #expect(ab.id(of: Move.self) == 1 && ba.id(of: Move.self) == 0)
    }

    /// The fingerprint is made of type names: the name without a `Mirror` must be the very
    /// text `String(describing:)` gave every fingerprint before it, for every shape of type.
    @Test(
        arguments: [
            V1.Player.self, Move.self, Everything.self, Int8.self, String.self, [UInt32].self, [String: [Float]].self,
            Set<Int>.self, Int?.self, [V1.Player?].self, (Int, String).self, Quantized<ArenaCoordinate>.self,
            SchemaFingerprintTests.self, Result<Int, WireError>.self,
        ] as [Any.Type])
    func typeNamesAreWhatStringDescribingGave(type: Any.Type) {
        #expect(unqualifiedTypeName(type) == String(describing: type))
    }

    @Test func enumsShowTheirCasesWhenCaseIterable() {
        let registry = MessageRegistry([Everything.self])
        #expect(registry.schema.lines.contains("Everything.weapon: enum Weapon cases {pistol, shotgun, laser}"))
        #expect(registry.schema.lines.contains("Everything.events[]: GameEvent"))
        #expect(registry.schema.lines.contains("Everything.facing: Float angle 8 bits"))
    }
}
