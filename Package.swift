// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Netplay",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Netplay", targets: ["Netplay"]),
        .library(name: "SkirmishCore", targets: ["SkirmishCore"]),
        .executable(name: "netplay", targets: ["netplay"]),
        .executable(name: "HelloNetplay", targets: ["HelloNetplay"]),
        .library(name: "SkirmishNet", targets: ["SkirmishNet"]),
        .executable(name: "skirmish", targets: ["Skirmish"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(
            name: "Netplay",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "netplay",
            dependencies: [
                "Netplay",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer entry point; see README "Fuzzing". Without -DNETPLAY_LIBFUZZER it is a
        // corpus replayer, so a plain `swift build` still links it.
        .executableTarget(name: "NetplayFuzz", dependencies: ["Netplay"]),
        .executableTarget(name: "HelloNetplay", dependencies: ["Netplay"], path: "Examples/HelloNetplay", exclude: ["README.md"]),
        // The tool is a dependency so that `swift test` builds it: the two-process and
        // network-namespace tests run the real binary.
        // Helpers for tests that run the built tools as real processes.
        .target(name: "ProcessTestSupport", path: "Tests/ProcessTestSupport"),
        .testTarget(name: "NetplayTests", dependencies: ["Netplay", "netplay", "ProcessTestSupport"]),
        // The demo game's deterministic simulation: no I/O, tested on its own.
        .target(name: "SkirmishCore", dependencies: ["Netplay"]),
        .testTarget(name: "SkirmishCoreTests", dependencies: ["SkirmishCore"]),
        // The networked game session every Skirmish front end uses.
        .target(name: "SkirmishNet", dependencies: ["SkirmishCore", "Netplay"]),
        // `skirmish`: the terminal front end and headless bot.
        .executableTarget(
            name: "Skirmish",
            dependencies: ["SkirmishNet", "SkirmishCore", "Netplay", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Depends on the `Skirmish` executable so `swift test` builds the `skirmish` binary the
        // process and tmux tests run.
        .testTarget(name: "SkirmishTests", dependencies: ["SkirmishNet", "SkirmishCore", "Netplay", "Skirmish", "ProcessTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
