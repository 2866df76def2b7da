import Foundation
import ProcessTestSupport

/// Runs helper programs (`ip`, the built `netplay` tool) for tests that need real processes
/// or network namespaces. Every wait is bounded.
enum ProcessHarness {
    typealias Result = Programs.Result

    /// The directory holding the built products (`netplay`, `skirmish`), next to the test bundle.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    static func product(_ name: String) -> String { productsDirectory.appendingPathComponent(name).path }

    static var isRoot: Bool { Programs.isRoot }

    static func which(_ program: String) -> String? { Programs.which(program) }

    /// Runs a program to completion (killed after `timeout`), returning status and combined output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> Result {
        try Programs.run(executable, arguments, timeout: timeout)
    }

    typealias Background = BackgroundProcess
}
