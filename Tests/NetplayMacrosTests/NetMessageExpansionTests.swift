import NetplayMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// The source `@NetMessage` writes, and the errors it gives instead of wrong code.
@Suite("NetMessage macro expansion")
struct NetMessageExpansionTests {
    static let specs: [String: MacroSpec] = [
        "NetMessage": MacroSpec(type: NetMessageMacro.self, conformances: ["NetMessage", "WireFieldCoding"])
    ]

    private func expect(
        _ source: String, expands expanded: String, diagnostics: [DiagnosticSpec] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        assertMacroExpansion(
            source, expandedSource: expanded, diagnostics: diagnostics, macroSpecs: Self.specs,
            failureHandler: { Issue.record(Comment(rawValue: $0.message), sourceLocation: sourceLocation) })
    }

    @Test func moveCodesFieldsInDeclarationOrderAndWrappersByTheirStorage() {
        expect(
            """
            @NetMessage
            struct Move {
                var id: UInt16
                @Quantized<ArenaCoordinate> var x: Float
                @QuantizedAngle var facing: Float
                var speed: Float { 3 }
                static let limit = 5
            }
            """,
            expands: """
                struct Move {
                    var id: UInt16
                    @Quantized<ArenaCoordinate> var x: Float
                    @QuantizedAngle var facing: Float
                    var speed: Float { 3 }
                    static let limit = 5
                }

                extension Move: NetMessage, WireFieldCoding {
                    func encode(to writer: inout BitWriter) throws(WireError) {
                        writer.writeCodedInteger(self.id)
                        try writer.write(self._x)
                        try writer.write(self._facing)
                    }
                    init(from reader: inout BitReader) throws(WireError) {
                        self.id = try reader.readCodedInteger(UInt16.self, "Move.id")
                        self._x = try reader.read()
                        self._facing = try reader.read()
                    }
                    static var wireFieldCount: Int {
                        3
                    }
                    func encode(field index: Int, to writer: inout BitWriter) throws(WireError) {
                        switch index {
                        case 0:
                            writer.writeCodedInteger(self.id)
                        case 1:
                            try writer.write(self._x)
                        case 2:
                            try writer.write(self._facing)
                        default:
                            break
                        }
                    }
                    init<Source: WireFieldSource>(fields source: inout Source) throws(WireError) {
                        self.id = try source.field { (reader: inout BitReader) throws(WireError) in
                            try reader.readCodedInteger(UInt16.self, "Move.id")
                        }
                        self._x = try source.field { (reader: inout BitReader) throws(WireError) in
                            try reader.read()
                        }
                        self._facing = try source.field { (reader: inout BitReader) throws(WireError) in
                            try reader.read()
                        }
                    }
                }
                """)
    }

    @Test func publicEnumWithPayloadsWritesCaseNamesThenValues() {
        expect(
            """
            @NetMessage
            public enum Event {
                case joined(name: String, Int8?)
                case left
            }
            """,
            expands: """
                public enum Event {
                    case joined(name: String, Int8?)
                    case left
                }

                extension Event: NetMessage {
                    public func encode(to writer: inout BitWriter) throws(WireError) {
                        switch self {
                        case .joined(let value0, let value1):
                            try writer.writeEnumCase("joined")
                            try writer.writeString(value0)
                            if let value1 = value1 {
                                writer.writeBool(true)
                                writer.writeCodedInteger(value1)
                            } else {
                                writer.writeBool(false)
                            }
                        case .left:
                            try writer.writeEnumCase("left")
                        }
                    }
                    public init(from reader: inout BitReader) throws(WireError) {
                        switch try reader.readEnumCase(["joined", "left"], of: "Event") {
                        case 0:
                            self = .joined(name: try reader.readString("Event.joined.name"), (try reader.readBool("Event.joined.1 presence") ? .some(try reader.readCodedInteger(Int8.self, "Event.joined.1")) : .none))
                        default:
                            self = .left
                        }
                    }
                }
                """)
    }

    @Test func rawValueEnumTravelsAsItsRawValue() {
        expect(
            """
            @NetMessage
            enum Team: UInt8 {
                case red = 1, blue
            }
            """,
            expands: """
                enum Team: UInt8 {
                    case red = 1, blue
                }

                extension Team: NetMessage {
                    func encode(to writer: inout BitWriter) throws(WireError) {
                        writer.writeCodedInteger(self.rawValue)
                    }
                    init(from reader: inout BitReader) throws(WireError) {
                        self = try reader.readEnumRawValue(Self.self) { (reader: inout BitReader) throws(WireError) in
                            try reader.readCodedInteger(UInt8.self, "Team")
                        }
                    }
                }
                """)
    }

    @Test func collectionsAndNestedTypesUseClosuresAndTheNestedEntryPoint() {
        expect(
            """
            @NetMessage
            struct Inventory {
                var counts: [String: UInt16]
                var tags: Set<Int>
                var owner: Player
            }
            """,
            expands: """
                struct Inventory {
                    var counts: [String: UInt16]
                    var tags: Set<Int>
                    var owner: Player
                }

                extension Inventory: NetMessage, WireFieldCoding {
                    func encode(to writer: inout BitWriter) throws(WireError) {
                        try writer.writeArray(self.counts) { writer1, pair1 throws(WireError) in
                            try writer1.writeString(pair1.key)
                            writer1.writeCodedInteger(pair1.value)
                        }
                        try writer.writeArray(self.tags) { writer1, element1 throws(WireError) in
                            writer1.writeCodedInteger(element1)
                        }
                        try writer.write(self.owner)
                    }
                    init(from reader: inout BitReader) throws(WireError) {
                        self.counts = Dictionary(try reader.readArray("Inventory.counts") { (reader1: inout BitReader) throws(WireError) in
                            (try reader1.readString("Inventory.counts[key]"), try reader1.readCodedInteger(UInt16.self, "Inventory.counts[value]"))
                            }, uniquingKeysWith: { _, last in
                                last
                            })
                        self.tags = Set(try reader.readArray("Inventory.tags") { (reader1: inout BitReader) throws(WireError) in
                            try reader1.readCodedInteger(Int.self, "Inventory.tags[]")
                            })
                        self.owner = try reader.read()
                    }
                    static var wireFieldCount: Int {
                        3
                    }
                    func encode(field index: Int, to writer: inout BitWriter) throws(WireError) {
                        switch index {
                        case 0:
                            try writer.writeArray(self.counts) { writer1, pair1 throws(WireError) in
                                try writer1.writeString(pair1.key)
                                writer1.writeCodedInteger(pair1.value)
                            }
                        case 1:
                            try writer.writeArray(self.tags) { writer1, element1 throws(WireError) in
                                writer1.writeCodedInteger(element1)
                            }
                        case 2:
                            try writer.write(self.owner)
                        default:
                            break
                        }
                    }
                    init<Source: WireFieldSource>(fields source: inout Source) throws(WireError) {
                        self.counts = try source.field { (reader: inout BitReader) throws(WireError) in
                            Dictionary(try reader.readArray("Inventory.counts") { (reader1: inout BitReader) throws(WireError) in
                                (try reader1.readString("Inventory.counts[key]"), try reader1.readCodedInteger(UInt16.self, "Inventory.counts[value]"))
                                }, uniquingKeysWith: { _, last in
                                    last
                                })
                        }
                        self.tags = try source.field { (reader: inout BitReader) throws(WireError) in
                            Set(try reader.readArray("Inventory.tags") { (reader1: inout BitReader) throws(WireError) in
                                try reader1.readCodedInteger(Int.self, "Inventory.tags[]")
                                })
                        }
                        self.owner = try source.field { (reader: inout BitReader) throws(WireError) in
                            try reader.read()
                        }
                    }
                }
                """)
    }

    @Test func whatCannotBeCodedIsAnErrorNamingThePropertyAndTheFix() {
        let tupleReason = "tuples are not Codable; declare a struct for it and mark that @NetMessage"
        expect(
            """
            @NetMessage
            struct Broken {
                var pair: (Int, Int)
                var count = 0
                let version: Int = 1
                var action: () -> Void
                var shape: any Shape
            }
            """,
            expands: """
                struct Broken {
                    var pair: (Int, Int)
                    var count = 0
                    let version: Int = 1
                    var action: () -> Void
                    var shape: any Shape
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message: "'pair' has type '(Int, Int)', which @NetMessage cannot code: \(tupleReason)", line: 3,
                    column: 15),
                DiagnosticSpec(
                    message:
                        "@NetMessage needs the type of 'count' written out to generate its coder; declare it as 'var count: <Type> = …'",
                    line: 4, column: 9),
                DiagnosticSpec(
                    message:
                        "'version' is a 'let' with an initial value, which decoding cannot overwrite (Codable skips it too); make it 'var', or 'static' if it never changes",
                    line: 5, column: 9),
                DiagnosticSpec(
                    message:
                        "'action' has type '() -> Void', which @NetMessage cannot code: a closure cannot cross the network; send the data it needs instead",
                    line: 6, column: 17),
                DiagnosticSpec(
                    message:
                        "'shape' has type 'any Shape', which @NetMessage cannot code: an `any` type has no single wire format; use a concrete type, or an enum with a case per kind",
                    line: 7, column: 16),
            ])
    }

    @Test func classesAndHandWrittenCodingKeysAreRefused() {
        expect(
            """
            @NetMessage
            class Player {
                var name: String = ""
            }
            """,
            expands: """
                class Player {
                    var name: String = ""
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message:
                        "@NetMessage applies to a struct or an enum, not to this class; use a struct, or conform to NetMessage and write encode(to:) and init(from:) by hand",
                    line: 1, column: 1)
            ])
        expect(
            """
            @NetMessage
            struct Renamed {
                var a: Int
                enum CodingKeys: String, CodingKey {
                    case a = "alpha"
                }
            }
            """,
            expands: """
                struct Renamed {
                    var a: Int
                    enum CodingKeys: String, CodingKey {
                        case a = "alpha"
                    }
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message:
                        "'Renamed' declares its own CodingKeys; @NetMessage codes every stored property in declaration order and would disagree with it. Remove CodingKeys, or remove @NetMessage and keep the Codable path",
                    line: 4, column: 5)
            ])
    }

    @Test func anEnumWhoseRawTypeCannotBeToldAndAnEmptyEnumAreErrors() {
        expect(
            """
            @NetMessage
            enum Kind: Describable {
                case small, large
            }
            """,
            expands: """
                enum Kind: Describable {
                    case small, large
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message:
                        "@NetMessage cannot tell whether 'Describable' is the raw value type of 'Kind' or a protocol; spell a raw type as Int, UInt8, String… (or give a case a raw value), or conform to 'Describable' in an extension",
                    line: 2, column: 12)
            ])
        expect(
            """
            @NetMessage
            enum Nothing {
            }
            """,
            expands: """
                enum Nothing {
                }
                """,
            diagnostics: [
                DiagnosticSpec(
                    message: "'Nothing' has no cases, so no value of it can be sent; add a case or remove @NetMessage",
                    line: 2, column: 6)
            ])
    }
}
