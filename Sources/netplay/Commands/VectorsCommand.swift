import ArgumentParser
import Foundation
import NetplayTesting

/// `netplay vectors`: writes the protocol test vectors (docs/test-vectors) from this build.
struct VectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectors",
        abstract: "Write the wire-protocol test vectors (JSON) another implementation checks itself against.",
        discussion: "Example: netplay vectors --out docs/test-vectors"
    )

    @Option(help: "Directory to write the JSON files into.") var out = "docs/test-vectors"

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for (name, text) in try TestVectors.files().sorted(by: { $0.key < $1.key }) {
            let path = (out as NSString).appendingPathComponent(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            print("wrote \(path)")
        }
    }
}
