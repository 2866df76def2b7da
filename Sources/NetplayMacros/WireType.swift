import SwiftSyntax

/// How one value travels, decided from its type as spelled in the source. Only the shapes
/// the binary coder treats specially are recognised; every other type is `nested` and goes
/// through `BitWriter.write(_:)`, which uses the type's own generated coder when it has one
/// and its `Codable` conformance otherwise: the same bytes either way.
indirect enum WireType {
    /// A fixed-width integer, by its standard-library name.
    case integer(String)
    case bool
    case float
    case double
    case string
    case optional(WireType, spelled: String)
    case array(WireType, spelled: String)
    case set(WireType, spelled: String)
    case dictionary(key: WireType, keySpelled: String, value: WireType, valueSpelled: String)
    /// Any other type: a struct or enum with its own coder, or a `Codable` type.
    case nested(spelled: String)

    static let integerNames: Set<String> = [
        "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64",
    ]

    /// Why a type cannot be coded, said so that the programmer knows what to write instead.
    struct Unsupported: Error {
        var reason: String
    }

    /// Classifies `type`; throws for types that have no wire form at all.
    init(_ type: TypeSyntax) throws(Unsupported) {
        if let optional = type.as(OptionalTypeSyntax.self) {
            self = .optional(try WireType(optional.wrappedType), spelled: optional.wrappedType.trimmedDescription)
            return
        }
        if let unwrapped = type.as(ImplicitlyUnwrappedOptionalTypeSyntax.self) {
            self = .optional(try WireType(unwrapped.wrappedType), spelled: unwrapped.wrappedType.trimmedDescription)
            return
        }
        if let array = type.as(ArrayTypeSyntax.self) {
            self = .array(try WireType(array.element), spelled: array.element.trimmedDescription)
            return
        }
        if let dictionary = type.as(DictionaryTypeSyntax.self) {
            self = .dictionary(
                key: try WireType(dictionary.key), keySpelled: dictionary.key.trimmedDescription,
                value: try WireType(dictionary.value), valueSpelled: dictionary.value.trimmedDescription)
            return
        }
        if let tuple = type.as(TupleTypeSyntax.self) {
            if tuple.elements.count == 1, let only = tuple.elements.first, only.firstName == nil {
                self = try WireType(only.type)
                return
            }
            throw Unsupported(reason: "tuples are not Codable; declare a struct for it and mark that @NetMessage")
        }
        if type.is(FunctionTypeSyntax.self) {
            throw Unsupported(reason: "a closure cannot cross the network; send the data it needs instead")
        }
        if let some = type.as(SomeOrAnyTypeSyntax.self) {
            let word = some.someOrAnySpecifier.text
            throw Unsupported(
                reason:
                    "an `\(word)` type has no single wire format; use a concrete type, or an enum with a case per kind"
            )
        }
        if type.is(MetatypeTypeSyntax.self) {
            throw Unsupported(reason: "a metatype cannot be sent; send an enum that names the kind instead")
        }
        if type.is(CompositionTypeSyntax.self) {
            throw Unsupported(reason: "a protocol composition has no single wire format; use a concrete type")
        }
        if let attributed = type.as(AttributedTypeSyntax.self) {
            self = try WireType(attributed.baseType)
            return
        }
        guard let (name, arguments) = Self.standardName(type) else {
            self = .nested(spelled: type.trimmedDescription)
            return
        }
        switch (name, arguments.count) {
        case _ where Self.integerNames.contains(name) && arguments.isEmpty: self = .integer(name)
        case ("Bool", 0): self = .bool
        case ("Float", 0): self = .float
        case ("Double", 0): self = .double
        case ("String", 0): self = .string
        case ("Optional", 1):
            self = .optional(try WireType(arguments[0]), spelled: arguments[0].trimmedDescription)
        case ("Array", 1): self = .array(try WireType(arguments[0]), spelled: arguments[0].trimmedDescription)
        case ("Set", 1): self = .set(try WireType(arguments[0]), spelled: arguments[0].trimmedDescription)
        case ("Dictionary", 2):
            self = .dictionary(
                key: try WireType(arguments[0]), keySpelled: arguments[0].trimmedDescription,
                value: try WireType(arguments[1]), valueSpelled: arguments[1].trimmedDescription)
        default: self = .nested(spelled: type.trimmedDescription)
        }
    }

    /// The name and generic arguments of `Name<…>` or `Swift.Name<…>`; nil for other shapes.
    private static func standardName(_ type: TypeSyntax) -> (String, [TypeSyntax])? {
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return (identifier.name.text, identifier.genericArgumentClause.map(arguments) ?? [])
        }
        if let member = type.as(MemberTypeSyntax.self),
            member.baseType.as(IdentifierTypeSyntax.self)?.name.text == "Swift"
        {
            return (member.name.text, member.genericArgumentClause.map(arguments) ?? [])
        }
        return nil
    }

    private static func arguments(_ clause: GenericArgumentClauseSyntax) -> [TypeSyntax] {
        clause.arguments.compactMap { $0.argument.as(TypeSyntax.self) }
    }
}

extension WireType {
    // The generated code never spells a type from the user's declaration (only standard and
    // Netplay names): it is inserted in an extension at file scope, where a type nested next
    // to the message (`Outer.Point` beside `Outer.Move`) is not visible by its short name.
    // Types come from inference instead, from the property or payload being assigned.

    /// Statements writing `value` to the `BitWriter` named `writer`; `depth` keeps the
    /// names of nested closures' parameters apart.
    func encode(_ value: String, to writer: String, depth: Int = 0) -> String {
        let next = depth + 1
        switch self {
        case .integer: return "\(writer).writeCodedInteger(\(value))"
        case .bool: return "\(writer).writeBool(\(value))"
        case .float: return "\(writer).writeFloat(\(value))"
        case .double: return "\(writer).writeDouble(\(value))"
        case .string: return "try \(writer).writeString(\(value))"
        case .optional(let wrapped, _):
            let unwrapped = "value\(next)"
            return """
                if let \(unwrapped) = \(value) {
                    \(writer).writeBool(true)
                    \(wrapped.encode(unwrapped, to: writer, depth: next))
                } else {
                    \(writer).writeBool(false)
                }
                """
        case .array(let element, _), .set(let element, _):
            return """
                try \(writer).writeArray(\(value)) { writer\(next), element\(next) throws(WireError) in
                    \(element.encode("element\(next)", to: "writer\(next)", depth: next))
                }
                """
        case .dictionary(let key, _, let value2, _):
            return """
                try \(writer).writeArray(\(value)) { writer\(next), pair\(next) throws(WireError) in
                    \(key.encode("pair\(next).key", to: "writer\(next)", depth: next))
                    \(value2.encode("pair\(next).value", to: "writer\(next)", depth: next))
                }
                """
        case .nested: return "try \(writer).write(\(value))"
        }
    }

    /// An expression reading this value from the `BitReader` named `reader`; `expected`
    /// names it in a ``WireError``.
    func decode(from reader: String, expected: String, depth: Int = 0) -> String {
        let next = depth + 1
        let label = Self.literal(expected)
        switch self {
        case .integer(let name): return "try \(reader).readCodedInteger(\(name).self, \(label))"
        case .bool: return "try \(reader).readBool(\(label))"
        case .float: return "try \(reader).readFloat(\(label))"
        case .double: return "try \(reader).readDouble(\(label))"
        case .string: return "try \(reader).readString(\(label))"
        case .optional(let wrapped, _):
            // `.some`/`.none`, not `nil`: a literal `nil` could bind to the wrong level of `T??`.
            return
                "(try \(reader).readBool(\(Self.literal(expected + " presence"))) ? .some(\(wrapped.decode(from: reader, expected: expected, depth: next))) : .none)"
        case .array(let element, _):
            return """
                try \(reader).readArray(\(label)) { (reader\(next): inout BitReader) throws(WireError) in
                    \(element.decode(from: "reader\(next)", expected: expected + "[]", depth: next))
                }
                """
        case .set(let element, _):
            return """
                Set(try \(reader).readArray(\(label)) { (reader\(next): inout BitReader) throws(WireError) in
                    \(element.decode(from: "reader\(next)", expected: expected + "[]", depth: next))
                })
                """
        case .dictionary(let key, _, let value, _):
            // A repeated key keeps the last value, as the Codable path's decoder does.
            return """
                Dictionary(try \(reader).readArray(\(label)) { (reader\(next): inout BitReader) throws(WireError) in
                    (\(key.decode(from: "reader\(next)", expected: expected + "[key]", depth: next)), \(value.decode(from: "reader\(next)", expected: expected + "[value]", depth: next)))
                }, uniquingKeysWith: { _, last in last })
                """
        case .nested: return "try \(reader).read()"
        }
    }

    /// `text` as a Swift string literal.
    static func literal(_ text: String) -> String {
        StringLiteralExprSyntax(content: text).trimmedDescription
    }
}
