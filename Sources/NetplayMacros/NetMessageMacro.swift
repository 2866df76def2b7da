import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacros

/// `@NetMessage`: writes a struct's or enum's bit-level coder from its declaration.
///
/// The generated `encode(to:)` and `init(from:)` put exactly the bits the `Codable` path
/// (NetplayWire's `WireEncoder`) puts on the wire, field by field in declaration order, but
/// as straight-line calls on `BitWriter`/`BitReader` instead of through `Codable`'s
/// containers. A struct also gets the per-field coder replication's deltas use
/// (`WireFieldCoding`). What cannot be generated is a compile-time error naming the
/// property and the fix (see ``NetMessageDiagnostic``).
public struct NetMessageMacro: ExtensionMacro {
    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        // Errors name the type as declared (`Point`, not `Outer.Point`), as Codable's do.
        let typeName = declaration.asProtocol(NamedDeclSyntax.self)?.name.text ?? type.trimmedDescription
        let access = accessModifier(of: declaration.modifiers)
        let body: String
        var conformances = protocols.map(\.trimmedDescription)
        if let structure = declaration.as(StructDeclSyntax.self) {
            guard rejectsCustomCoding(structure.memberBlock, typeName: typeName, in: context) == false else {
                return []
            }
            switch WireField.collect(from: structure.memberBlock.members, typeName: typeName) {
            case .failure(let failures):
                diagnose(failures, in: context)
                return []
            case .success(let fields):
                body = structMembers(fields, typeName: typeName, access: access)
            }
        } else if let enumeration = declaration.as(EnumDeclSyntax.self) {
            guard rejectsCustomCoding(enumeration.memberBlock, typeName: typeName, in: context) == false else {
                return []
            }
            switch WireCase.collect(from: enumeration.memberBlock.members, typeName: typeName) {
            case .failure(let failures):
                diagnose(failures, in: context)
                return []
            case .success(let cases) where cases.isEmpty:
                context.diagnose(Diagnostic(node: enumeration.name, message: NetMessageDiagnostic.noCases(typeName)))
                return []
            case .success(let cases):
                switch enumCoding(of: enumeration, typeName: typeName, in: context) {
                case nil: return []
                case .rawValue(let rawType): body = rawEnumMembers(rawType, typeName: typeName, access: access)
                case .caseName: body = enumMembers(cases, typeName: typeName, access: access)
                }
            }
            // An enum is one field to replication: it changes as a whole.
            conformances.removeAll { $0 == "WireFieldCoding" }
        } else {
            context.diagnose(
                Diagnostic(node: node, message: NetMessageDiagnostic.notStructOrEnum(kind(of: declaration))))
            return []
        }
        let inheritance = conformances.isEmpty ? "" : ": " + conformances.joined(separator: ", ")
        let source: DeclSyntax = "extension \(raw: type.trimmedDescription)\(raw: inheritance) {\n\(raw: body)\n}"
        guard let extensionDecl = source.as(ExtensionDeclSyntax.self) else { return [] }
        return [extensionDecl]
    }

    // MARK: Structs

    static func structMembers(_ fields: [WireField], typeName: String, access: String) -> String {
        let encode = fields.map { $0.encode(to: "writer") }.joined(separator: "\n")
        let decode = fields.map { field in
            "\(field.assignmentTarget) = \(field.decodedValue(from: "reader", typeName: typeName))"
        }.joined(separator: "\n")
        let fieldCases = fields.enumerated().map { index, field in
            "case \(index):\n\(field.encode(to: "writer"))"
        }.joined(separator: "\n")
        let fieldReads = fields.map { field in
            "\(field.assignmentTarget) = try source.field { (reader: inout BitReader) throws(WireError) in\n"
                + "\(field.decodedValue(from: "reader", typeName: typeName))\n}"
        }.joined(separator: "\n")
        return """
            \(access)func encode(to writer: inout BitWriter) throws(WireError) {
            \(encode)
            }
            \(access)init(from reader: inout BitReader) throws(WireError) {
            \(decode)
            }
            \(access)static var wireFieldCount: Int {
            \(fields.count)
            }
            \(access)func encode(field index: Int, to writer: inout BitWriter) throws(WireError) {
            switch index {
            \(fieldCases)
            default:
            break
            }
            }
            \(access)init<Source: WireFieldSource>(fields source: inout Source) throws(WireError) {
            \(fieldReads)
            }
            """
    }

    // MARK: Enums

    static func enumMembers(_ cases: [WireCase], typeName: String, access: String) -> String {
        let encodeCases = cases.map { wireCase in
            var lines = ["case \(wireCase.pattern):", "try writer.writeEnumCase(\(WireType.literal(wireCase.name)))"]
            for (index, value) in wireCase.payload.enumerated() {
                lines.append(value.type.encode("value\(index)", to: "writer"))
            }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
        let names = cases.map { WireType.literal($0.name) }.joined(separator: ", ")
        let decodeCases = cases.enumerated().map { index, wireCase in
            let label = index == cases.count - 1 ? "default:" : "case \(index):"
            return "\(label)\nself = \(wireCase.construction(from: "reader", typeName: typeName))"
        }.joined(separator: "\n")
        return """
            \(access)func encode(to writer: inout BitWriter) throws(WireError) {
            switch self {
            \(encodeCases)
            }
            }
            \(access)init(from reader: inout BitReader) throws(WireError) {
            switch try reader.readEnumCase([\(names)], of: \(WireType.literal(typeName))) {
            \(decodeCases)
            }
            }
            """
    }

    /// An enum with raw values travels as its raw value, as `RawRepresentable`'s `Codable` does.
    static func rawEnumMembers(_ rawType: WireType, typeName: String, access: String) -> String {
        """
        \(access)func encode(to writer: inout BitWriter) throws(WireError) {
        \(rawType.encode("self.rawValue", to: "writer"))
        }
        \(access)init(from reader: inout BitReader) throws(WireError) {
        self = try reader.readEnumRawValue(Self.self) { (reader: inout BitReader) throws(WireError) in
        \(rawType.decode(from: "reader", expected: typeName))
        }
        }
        """
    }

    /// How an enum's value travels: by case name, or as its raw value.
    enum EnumCoding {
        case caseName
        case rawValue(WireType)
    }

    /// Protocols an enum commonly lists first; anything else first is its raw value type.
    static let knownProtocols: Set<String> = [
        "Hashable", "Equatable", "Sendable", "CaseIterable", "Codable", "Encodable", "Decodable", "Comparable",
        "CustomStringConvertible", "CustomDebugStringConvertible", "Identifiable", "Error", "NetMessage",
        "BitwiseCopyable", "Interpolatable",
    ]

    /// Decides from the inheritance clause whether the enum has raw values, as the compiler
    /// does (the first inherited type is the raw type). A first type this macro does not know
    /// is a raw type only when some case assigns a raw value; otherwise it cannot tell, and
    /// guessing wrong would put different bytes on the wire, so that is an error.
    static func enumCoding(
        of enumeration: EnumDeclSyntax, typeName: String, in context: some MacroExpansionContext
    ) -> EnumCoding? {
        guard let first = enumeration.inheritanceClause?.inheritedTypes.first?.type else { return .caseName }
        let hasRawValues = enumeration.memberBlock.members.contains { member in
            member.decl.as(EnumCaseDeclSyntax.self)?.elements.contains { $0.rawValue != nil } ?? false
        }
        if let wire = try? WireType(first) {
            switch wire {
            case .integer, .string, .float, .double: return .rawValue(wire)
            default: break
            }
        }
        let name = first.trimmedDescription
        if knownProtocols.contains(name) { return .caseName }
        if hasRawValues { return .rawValue(.nested(spelled: name)) }
        context.diagnose(Diagnostic(node: first, message: NetMessageDiagnostic.ambiguousInheritance(typeName, name)))
        return nil
    }

    // MARK: Checks

    /// Diagnoses a hand-written `Codable` implementation or `CodingKeys`, which the generated
    /// coder would silently disagree with; returns whether there was one.
    private static func rejectsCustomCoding(
        _ members: MemberBlockSyntax, typeName: String, in context: some MacroExpansionContext
    ) -> Bool {
        var found = false
        for member in members.members {
            let decl = member.decl
            var what: String?
            if let nested = decl.as(EnumDeclSyntax.self), nested.name.text == "CodingKeys" {
                what = "CodingKeys"
            } else if let function = decl.as(FunctionDeclSyntax.self), function.name.text == "encode" {
                what = "encode(to:)"
            } else if let initializer = decl.as(InitializerDeclSyntax.self),
                initializer.signature.parameterClause.parameters.first?.firstName.text == "from"
            {
                what = "init(from:)"
            }
            if let what {
                context.diagnose(Diagnostic(node: decl, message: NetMessageDiagnostic.customCoding(typeName, what)))
                found = true
            }
        }
        return found
    }

    private static func diagnose(_ failures: Failures, in context: some MacroExpansionContext) {
        for item in failures.items { context.diagnose(Diagnostic(node: item.node, message: item.message)) }
    }

    /// `public ` / `package ` when the type is, so the protocol witnesses are visible as far
    /// as the type is; nothing otherwise.
    private static func accessModifier(of modifiers: DeclModifierListSyntax) -> String {
        for modifier in modifiers {
            switch modifier.name.tokenKind {
            case .keyword(.public), .keyword(.open): return "public "
            case .keyword(.package): return "package "
            default: continue
            }
        }
        return ""
    }

    private static func kind(of declaration: some DeclGroupSyntax) -> String {
        if declaration.is(ClassDeclSyntax.self) { return "class" }
        if declaration.is(ActorDeclSyntax.self) { return "actor" }
        if declaration.is(ProtocolDeclSyntax.self) { return "protocol" }
        if declaration.is(ExtensionDeclSyntax.self) { return "extension" }
        return "declaration"
    }
}
