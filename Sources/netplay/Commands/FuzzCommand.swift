import ArgumentParser
import Foundation
import Netplay
import NetplayTesting

/// `netplay fuzz`: the full-size hostile-input run of the wire decoders.
struct FuzzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed seeded random and mutated buffers to every wire decoder.",
        discussion:
            "Each buffer must decode or fail with a typed error; a trap ends the process. For coverage-guided fuzzing use the NetplayFuzz libFuzzer target (see README)."
    )

    @Option(help: "Buffers to feed.") var count = 20_000_000
    @Option(help: "Seed; the same seed replays the same buffers.") var seed: UInt64 = 1

    func run() {
        let outcome = WireFuzzInput.run(count: count, seed: seed) { done in
            if done > 0 { print("\(done) buffers…") }
        }
        print("\(count) buffers: \(outcome.decoded) decoded, \(outcome.rejected) rejected with a typed error, no traps")
        print(
            "generated (@NetMessage) decoders: \(outcome.generatedDecoded) decoded, \(outcome.generatedRejected) rejected, "
                + "\(outcome.disagreements) disagreements with Codable")
        if outcome.disagreements > 0 { Foundation.exit(1) }
    }
}
