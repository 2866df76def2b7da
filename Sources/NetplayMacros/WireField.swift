import SwiftDiagnostics
import SwiftSyntax

/// One stored property of a struct, in declaration order (the order synthesized `Codable`
/// writes it), with how it travels.
struct WireField {
    enum Coding {
        /// The property's own value.
        case plain(WireType)
        /// A property wrapper (`@Quantized`, `@QuantizedAngle` or any other): its backing
        /// storage, coded as the wrapper type codes itself. Synthesized `Codable` also codes
        /// the wrapper, not the wrapped value; the quantizing wrappers have bit coders of their
        /// own (`BitWriter.write(_:)` overloads), found by type, so no format is spelled here.
        case wrapper
    }

    var name: String
    var coding: Coding

    /// Attributes that are not property wrappers and do not change what is stored.
    static let ignoredAttributes: Set<String> = [
        "available", "usableFromInline", "preconcurrency", "MainActor", "_spi", "objc", "nonobjc",
    ]

    /// The stored properties of `members`, or diagnostics explaining why one cannot be coded.
    static func collect(from members: MemberBlockItemListSyntax, typeName: String) -> Result<[WireField], Failures> {
        var fields: [WireField] = []
        var failures = Failures()
        for member in members {
            if let ifConfig = member.decl.as(IfConfigDeclSyntax.self) {
                failures.add(ifConfig, .conditionalMembers(typeName))
                continue
            }
            guard let variable = member.decl.as(VariableDeclSyntax.self) else { continue }
            let modifiers = Set(variable.modifiers.map(\.name.text))
            if modifiers.contains("static") || modifiers.contains("class") { continue }
            let isLet = variable.bindingSpecifier.tokenKind == .keyword(.let)
            let bindings = Array(variable.bindings)
            for (index, binding) in bindings.enumerated() {
                if Self.isComputed(binding) { continue }
                guard let identifier = binding.pattern.as(IdentifierPatternSyntax.self) else {
                    failures.add(binding.pattern, .tuplePattern(binding.pattern.trimmedDescription))
                    continue
                }
                let name = identifier.identifier.text
                if modifiers.contains("lazy") {
                    failures.add(binding, .lazy(name))
                    continue
                }
                if isLet && binding.initializer != nil {
                    failures.add(binding, .letWithInitialValue(name))
                    continue
                }
                // `var x, y: Float` gives both the annotation written after the last name.
                let annotation =
                    binding.typeAnnotation?.type
                    ?? bindings[index...].first(where: { $0.typeAnnotation != nil && $0.initializer == nil })?
                    .typeAnnotation?.type
                guard let type = annotation, binding.initializer == nil || binding.typeAnnotation != nil else {
                    failures.add(binding, .missingType(name))
                    continue
                }
                do throws(WireType.Unsupported) {
                    let coding = try Self.coding(of: variable.attributes, type: type)
                    fields.append(WireField(name: name, coding: coding))
                } catch {
                    failures.add(type, .unsupportedType(name, type.trimmedDescription, error.reason))
                }
            }
        }
        return failures.isEmpty ? .success(fields) : .failure(failures)
    }

    /// A binding with a getter (or `get`/`set`/… accessors) stores nothing.
    private static func isComputed(_ binding: PatternBindingSyntax) -> Bool {
        switch binding.accessorBlock?.accessors {
        case nil: return false
        case .getter: return true
        case .accessors(let accessors):
            return accessors.contains {
                ![.keyword(.willSet), .keyword(.didSet)].contains($0.accessorSpecifier.tokenKind)
            }
        }
    }

    private static func coding(of attributes: AttributeListSyntax, type: TypeSyntax) throws(WireType.Unsupported)
        -> Coding
    {
        let wrappers = attributes.compactMap { $0.as(AttributeSyntax.self) }.filter {
            !ignoredAttributes.contains($0.attributeName.trimmedDescription)
        }
        return wrappers.isEmpty ? .plain(try WireType(type)) : .wrapper
    }
}

extension WireField {
    /// Statements writing this property of `self` to `writer`.
    func encode(to writer: String) -> String {
        switch coding {
        case .plain(let type): return type.encode("self.\(name)", to: writer)
        case .wrapper: return "try \(writer).write(self._\(name))"
        }
    }

    /// What `init` assigns: `self.x`, or `self._x` for a wrapped property.
    var assignmentTarget: String {
        if case .plain = coding { return "self.\(name)" }
        return "self._\(name)"
    }

    /// The value read for this property from `reader`, as an expression.
    func decodedValue(from reader: String, typeName: String) -> String {
        switch coding {
        case .plain(let type): return type.decode(from: reader, expected: "\(typeName).\(name)")
        case .wrapper: return "try \(reader).read()"
        }
    }
}

/// Diagnostics gathered while reading a declaration, each on the syntax it is about.
struct Failures: Error {
    var items: [(node: Syntax, message: NetMessageDiagnostic)] = []
    var isEmpty: Bool { items.isEmpty }

    mutating func add(_ node: some SyntaxProtocol, _ message: NetMessageDiagnostic) {
        items.append((Syntax(node), message))
    }
}
