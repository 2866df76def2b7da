@_spi(Reflection) import Swift

/// A type that states its own wire format for the fingerprint (e.g. a quantized float,
/// whose format lives in a generic parameter the type name alone would not reveal).
package protocol SchemaDescribing {
    static var schemaDescription: String { get }
}

/// Collections whose element types the reflector follows.
package protocol SchemaContainer {
    static var schemaElementTypes: [Any.Type] { get }
}

extension Optional: SchemaContainer { package static var schemaElementTypes: [Any.Type] { [Wrapped.self] } }
extension Array: SchemaContainer { package static var schemaElementTypes: [Any.Type] { [Element.self] } }
extension Set: SchemaContainer { package static var schemaElementTypes: [Any.Type] { [Element.self] } }
extension Dictionary: SchemaContainer { package static var schemaElementTypes: [Any.Type] { [Key.self, Value.self] } }

/// Builds schema lines from type metadata alone (no instance, no decoding): the stored
/// fields of each struct, in declaration order — which is the order synthesized `Codable`
/// puts them on the wire — with their types, recursively.
///
/// Enums show their type name, and their case names when they are `CaseIterable`; the
/// payloads of enum cases are not visible in Swift's metadata, so a change inside an enum
/// case is caught by the decoder (unknown case, typed error) rather than by the fingerprint.
package enum SchemaReflector {
    /// Deepest type nesting followed, so a recursive type cannot loop.
    static let maxDepth = 16

    package static func lines(forMessage type: any NetMessage.Type, id: UInt64) -> [String] {
        let name = type.messageName
        var lines = ["message \(id) \(name)"]
        var visiting: [ObjectIdentifier] = []
        describeFields(of: type, path: name, into: &lines, visiting: &visiting)
        return lines
    }

    private static func describeFields(
        of type: Any.Type, path: String, into lines: inout [String], visiting: inout [ObjectIdentifier]
    ) {
        if let described = type as? any SchemaDescribing.Type {
            lines.append("\(path): \(described.schemaDescription)")
            return
        }
        if visiting.contains(ObjectIdentifier(type)) || visiting.count >= maxDepth {
            lines.append("\(path): recursive \(unqualifiedTypeName(type))")
            return
        }
        visiting.append(ObjectIdentifier(type))
        defer { visiting.removeLast() }

        if let container = type as? any SchemaContainer.Type {
            lines.append("\(path): \(unqualifiedTypeName(type))")
            for (index, element) in container.schemaElementTypes.enumerated() {
                let suffix = container.schemaElementTypes.count == 1 ? "[]" : (index == 0 ? "[key]" : "[value]")
                describeFields(of: element, path: path + suffix, into: &lines, visiting: &visiting)
            }
            return
        }
        if type is any WirePrimitive.Type {
            lines.append("\(path): \(unqualifiedTypeName(type))")
            return
        }
        var fields: [(String, Any.Type)] = []
        let isStruct = _forEachField(of: type, options: []) { name, _, fieldType, _ in
            fields.append((String(cString: name), fieldType))
            return true
        }
        if let cases = type as? any CaseIterable.Type {
            lines.append("\(path): enum \(unqualifiedTypeName(type)) cases \(caseNames(cases))")
        } else if isStruct && !fields.isEmpty {
            for (name, fieldType) in fields {
                describeFields(of: fieldType, path: "\(path).\(wireName(name))", into: &lines, visiting: &visiting)
            }
        } else {
            lines.append("\(path): \(unqualifiedTypeName(type))")
        }
    }

    /// Property wrappers store `_name`; the wire (and the programmer) knows `name`.
    private static func wireName(_ stored: String) -> String {
        stored.hasPrefix("_") ? String(stored.dropFirst()) : stored
    }

    private static func caseNames<T: CaseIterable>(_ type: T.Type) -> String {
        "{" + T.allCases.map { String(describing: $0) }.joined(separator: ", ") + "}"
    }
}
