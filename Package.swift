// swift-tools-version: 6.0
import CompilerPluginSupport
import PackageDescription

// One target per layer; a lower layer never imports a higher one, and the sans-I/O layers
// (base, wire, protocol, channels, replication, discovery) depend on no SwiftNIO product at
// all. docs/ARCHITECTURE.md draws the graph and says why each edge exists.
let nio = "swift-nio"

let package = Package(
    name: "Netplay",
    // macOS 15: the network thread's `TaskExecutor` and `Mutex` need it.
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Netplay", targets: ["Netplay"]),
        // For experts who carry replication's bytes over their own transport: snapshots,
        // deltas, interpolation and prediction without a session. `import Netplay` does not
        // re-export it (its `NetWorld` drives it for a game).
        .library(name: "NetplayReplication", targets: ["NetplayReplication"]),
        .library(name: "NetplayTesting", targets: ["NetplayTesting", "NetplayLinkConditioner"]),
        .library(name: "SkirmishCore", targets: ["SkirmishCore"]),
        .library(name: "SkirmishNet", targets: ["SkirmishNet"]),
        .executable(name: "netplay", targets: ["netplay"]),
        .executable(name: "HelloNetplay", targets: ["HelloNetplay"]),
        .executable(name: "CoopDots", targets: ["CoopDots"]),
        .executable(name: "skirmish", targets: ["Skirmish"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // `swift package generate-documentation` for the DocC catalogs (CI builds them).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // For the @NetMessage macro only (the compiler plugin), never linked into a game.
        // 603.x is the release that matches Swift 6.3.
        .package(url: "https://github.com/swiftlang/swift-syntax", "603.0.1"..<"604.0.0"),
    ],
    targets: [
        // Sans-I/O layers: bytes and `now` in, bytes and events out. No NIO product here.
        .target(name: "NetplayBase"),
        .target(
            name: "NetplayWire", dependencies: ["NetplayMacros", .product(name: "Crypto", package: "swift-crypto")]),
        // `@NetMessage`: generates a message's bit-level coder at compile time. A compiler
        // plugin: runs in the compiler, links nothing into the game.
        .macro(
            name: "NetplayMacros",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
                .product(name: "SwiftDiagnostics", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ]
        ),
        .target(
            name: "NetplayProtocol",
            dependencies: ["NetplayBase", "NetplayWire", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "NetplayChannels", dependencies: ["NetplayBase", "NetplayWire"]),
        .target(name: "NetplayReplication", dependencies: ["NetplayBase", "NetplayWire"]),
        .target(name: "NetplayDiscovery", dependencies: ["NetplayBase", "NetplayWire"]),
        // Loss, latency, jitter, duplication, reordering and bottlenecks as a value type: the
        // in-memory network's links, and a real socket's when a test impairs it.
        .target(name: "NetplayLinkConditioner", dependencies: ["NetplayBase"]),
        // Linux's batched datagram calls (`sendmmsg`, `recvmmsg`) and `ppoll`, which Swift's Glibc hides.
        .target(name: "CNetplaySockets"),
        // The only layer with sockets and event loops.
        .target(
            name: "NetplayDrivers",
            dependencies: [
                "NetplayBase", "NetplayWire", "NetplayDiscovery", "CNetplaySockets",
                .product(name: "NIOCore", package: nio),
                .product(name: "NIOPosix", package: nio),
                .product(name: "NIOConcurrencyHelpers", package: nio),
            ]
        ),
        // The front door a game imports.
        .target(
            name: "Netplay",
            dependencies: [
                "NetplayBase", "NetplayWire", "NetplayProtocol", "NetplayChannels", "NetplayReplication",
                "NetplayDiscovery", "NetplayDrivers", "NetplayLinkConditioner",
                .product(name: "NIOCore", package: nio),
                .product(name: "NIOConcurrencyHelpers", package: nio),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // For a game's own tests and Netplay's: the in-memory network in virtual time, the link
        // conditioner, the channel soak and the wire fuzz inputs.
        .target(
            name: "NetplayTesting",
            dependencies: ["Netplay", "NetplayLinkConditioner", .product(name: "NIOConcurrencyHelpers", package: nio)]
        ),
        .executableTarget(
            name: "netplay",
            dependencies: [
                "Netplay", "NetplayTesting", "NetplayChannels", "NetplayProtocol", "NetplayReplication",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer entry point; see README "Fuzzing". Without -DNETPLAY_LIBFUZZER it is a
        // corpus replayer, so a plain `swift build` still links it.
        .executableTarget(name: "NetplayFuzz", dependencies: ["NetplayTesting"]),
        .executableTarget(
            name: "HelloNetplay", dependencies: ["Netplay"], path: "Examples/HelloNetplay", exclude: ["README.md"]
        ),
        // The co-op example the guide builds: two players moving dots, written from the docs alone.
        .executableTarget(name: "CoopDots", dependencies: ["Netplay"], path: "Examples/CoopDots"),
        // Helpers for tests that run the built tools as real processes.
        .target(name: "ProcessTestSupport", path: "Tests/ProcessTestSupport"),
        // Counts the test thread's heap allocations (interposes malloc on Linux) for the
        // allocation regression tests; docs/ARCHITECTURE.md says why it is our own hook.
        .target(name: "AllocationCounter", path: "Tests/AllocationCounter"),
        // Moves a test's thread into a network namespace the test made (setns, which Swift's
        // Glibc hides), to open sockets there.
        .target(name: "NamespaceEntry", path: "Tests/NamespaceEntry"),
        // The tool is a dependency so that `swift test` builds it: the two-process and
        // network-namespace tests run the real binary.
        .testTarget(
            name: "NetplayTests",
            dependencies: [
                "NetplayBase", "NetplayWire", "NetplayProtocol", "NetplayChannels", "NetplayReplication",
                "NetplayDiscovery", "NetplayLinkConditioner", "NetplayDrivers", "Netplay", "NetplayTesting", "netplay",
                "CoopDots", "HelloNetplay", "ProcessTestSupport", "AllocationCounter", "NamespaceEntry",
                .product(name: "Logging", package: "swift-log"),
                // Virtual time for the deadline timer's tests.
                .product(name: "NIOEmbedded", package: nio),
            ]
        ),
        // The experts' product as a game outside this package sees it: no package access, so
        // only its public API compiles.
        .testTarget(name: "NetplayReplicationProductTests", dependencies: ["NetplayReplication"], packageAccess: false),
        // Expansion tests of `@NetMessage`: the generated source and the diagnostics.
        .testTarget(
            name: "NetplayMacrosTests",
            dependencies: [
                "NetplayMacros",
                .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
                .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
            ]
        ),
        // The demo game's deterministic simulation: no I/O, tested on its own.
        .target(name: "SkirmishCore", dependencies: ["Netplay", "NetplayReplication"]),
        .testTarget(name: "SkirmishCoreTests", dependencies: ["SkirmishCore"]),
        // The networked game session every Skirmish front end uses.
        .target(
            name: "SkirmishNet", dependencies: ["SkirmishCore", "Netplay", "NetplayProtocol", "NetplayReplication"]),
        // `skirmish`: the terminal front end and headless bot.
        .executableTarget(
            name: "Skirmish",
            dependencies: [
                "SkirmishNet", "SkirmishCore", "Netplay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Depends on the `Skirmish` executable so `swift test` builds the `skirmish` binary the
        // process and tmux tests run.
        .testTarget(
            name: "SkirmishTests",
            dependencies: ["SkirmishNet", "SkirmishCore", "Netplay", "Skirmish", "ProcessTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
