import SwiftDiagnostics

/// Why `@NetMessage` cannot write a coder, each naming the declaration and what to do.
/// Errors, never warnings: generating code that disagrees with the `Codable` path would
/// put different bytes on the wire than the peer expects.
enum NetMessageDiagnostic: DiagnosticMessage {
    case notStructOrEnum(String)
    case missingType(String)
    case letWithInitialValue(String)
    case lazy(String)
    case tuplePattern(String)
    case unsupportedType(String, String, String)
    case unsupportedPayload(String, Int, String, String)
    case customCoding(String, String)
    case conditionalMembers(String)
    case caseNameTooLong(String, Int)
    case noCases(String)
    case ambiguousInheritance(String, String)

    var message: String {
        switch self {
        case .notStructOrEnum(let kind):
            return
                "@NetMessage applies to a struct or an enum, not to this \(kind); use a struct, or conform to NetMessage and write encode(to:) and init(from:) by hand"
        case .missingType(let name):
            return
                "@NetMessage needs the type of '\(name)' written out to generate its coder; declare it as 'var \(name): <Type> = …'"
        case .letWithInitialValue(let name):
            return
                "'\(name)' is a 'let' with an initial value, which decoding cannot overwrite (Codable skips it too); make it 'var', or 'static' if it never changes"
        case .lazy(let name):
            return "'\(name)' is lazy and its storage cannot be sent; make it a plain 'var' or a computed property"
        case .tuplePattern(let pattern):
            return "'\(pattern)' declares several properties in one pattern; declare each on its own line"
        case .unsupportedType(let name, let type, let reason):
            return "'\(name)' has type '\(type)', which @NetMessage cannot code: \(reason)"
        case .unsupportedPayload(let caseName, let index, let type, let reason):
            return
                "payload \(index) of case '\(caseName)' has type '\(type)', which @NetMessage cannot code: \(reason)"
        case .customCoding(let typeName, let member):
            return
                "'\(typeName)' declares its own \(member); @NetMessage codes every stored property in declaration order and would disagree with it. Remove \(member), or remove @NetMessage and keep the Codable path"
        case .conditionalMembers(let typeName):
            return
                "'\(typeName)' declares members inside #if; @NetMessage cannot tell which are compiled. Move stored properties and cases out of the #if, or remove @NetMessage"
        case .caseNameTooLong(let name, let limit):
            return "case '\(name)' is longer than the wire's \(limit)-byte limit for case names; shorten it"
        case .ambiguousInheritance(let typeName, let inherited):
            return
                "@NetMessage cannot tell whether '\(inherited)' is the raw value type of '\(typeName)' or a protocol; spell a raw type as Int, UInt8, String… (or give a case a raw value), or conform to '\(inherited)' in an extension"
        case .noCases(let typeName):
            return "'\(typeName)' has no cases, so no value of it can be sent; add a case or remove @NetMessage"
        }
    }

    var diagnosticID: MessageID {
        let id: String
        switch self {
        case .notStructOrEnum: id = "notStructOrEnum"
        case .missingType: id = "missingType"
        case .letWithInitialValue: id = "letWithInitialValue"
        case .lazy: id = "lazy"
        case .tuplePattern: id = "tuplePattern"
        case .unsupportedType: id = "unsupportedType"
        case .unsupportedPayload: id = "unsupportedPayload"
        case .customCoding: id = "customCoding"
        case .conditionalMembers: id = "conditionalMembers"
        case .caseNameTooLong: id = "caseNameTooLong"
        case .noCases: id = "noCases"
        case .ambiguousInheritance: id = "ambiguousInheritance"
        }
        return MessageID(domain: "NetplayMacros", id: id)
    }

    var severity: DiagnosticSeverity { .error }
}
