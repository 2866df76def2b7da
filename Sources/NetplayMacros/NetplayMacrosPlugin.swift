import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin that carries Netplay's macros into a game's build.
@main
struct NetplayMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [NetMessageMacro.self]
}
