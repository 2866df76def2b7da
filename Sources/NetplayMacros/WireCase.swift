import SwiftSyntax

/// One case of an enum: its name (what synthesized `Codable` puts on the wire) and its
/// payload, in order.
struct WireCase {
    struct Payload {
        /// The label, or nil for an unlabeled value.
        var label: String?
        var type: WireType
    }

    var name: String
    var payload: [Payload]

    /// Longest case name the wire carries (`WireKeys.maxKeyBytes` in NetplayWire).
    static let maxNameBytes = 64

    static func collect(from members: MemberBlockItemListSyntax, typeName: String) -> Result<[WireCase], Failures> {
        var cases: [WireCase] = []
        var failures = Failures()
        for member in members {
            if let ifConfig = member.decl.as(IfConfigDeclSyntax.self) {
                failures.add(ifConfig, .conditionalMembers(typeName))
                continue
            }
            guard let declaration = member.decl.as(EnumCaseDeclSyntax.self) else { continue }
            for element in declaration.elements {
                let name = element.name.text.trimmingBackticks
                if name.utf8.count > maxNameBytes {
                    failures.add(element.name, .caseNameTooLong(name, maxNameBytes))
                }
                var payload: [Payload] = []
                for (index, parameter) in (element.parameterClause?.parameters ?? []).enumerated() {
                    do throws(WireType.Unsupported) {
                        let label = parameter.firstName.flatMap { $0.tokenKind == .wildcard ? nil : $0.text }
                        payload.append(Payload(label: label, type: try WireType(parameter.type)))
                    } catch {
                        failures.add(
                            parameter.type,
                            .unsupportedPayload(name, index, parameter.type.trimmedDescription, error.reason))
                    }
                }
                cases.append(WireCase(name: name, payload: payload))
            }
        }
        return failures.isEmpty ? .success(cases) : .failure(failures)
    }

    /// The `case .name(let value0, …)` pattern binding each payload value by position.
    var pattern: String {
        guard !payload.isEmpty else { return ".\(name.escapedIdentifier)" }
        let bindings = payload.indices.map { "let value\($0)" }.joined(separator: ", ")
        return ".\(name.escapedIdentifier)(\(bindings))"
    }

    /// `.name(label: <read>, …)`, reading each payload value in order.
    func construction(from reader: String, typeName: String) -> String {
        guard !payload.isEmpty else { return ".\(name.escapedIdentifier)" }
        let arguments = payload.enumerated().map { index, value in
            let read = value.type.decode(from: reader, expected: "\(typeName).\(name).\(value.label ?? "\(index)")")
            return value.label.map { "\($0): \(read)" } ?? read
        }
        return ".\(name.escapedIdentifier)(\(arguments.joined(separator: ", ")))"
    }
}

extension String {
    var trimmingBackticks: String {
        hasPrefix("`") && hasSuffix("`") && count >= 2 ? String(dropFirst().dropLast()) : self
    }

    /// Backticked when it is a keyword (`case \`default\``).
    var escapedIdentifier: String {
        Self.keywords.contains(self) ? "`\(self)`" : self
    }

    private static let keywords: Set<String> = [
        "default", "case", "switch", "for", "in", "if", "else", "return", "class", "struct", "enum", "func", "var",
        "let", "self", "Self", "init", "import", "static", "true", "false", "nil", "while", "repeat", "do", "try",
        "throw", "throws", "public", "private", "internal", "protocol", "extension", "operator", "is", "as", "where",
        "break", "continue", "fallthrough", "guard", "defer", "catch", "inout", "associatedtype", "typealias",
        "subscript", "deinit", "fileprivate", "open", "package", "Any",
    ]
}
