// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Netplay's side-by-side benchmarks, a package of their own so the library needs neither ENet
// nor any benchmark code. Netplay comes from the repository root by path.
//
// `NETPLAY_ROOT` (relative to this directory, default `..`) points at another checkout of
// Netplay, e.g. a worktree whose public API has not reached main yet.
let netplayRoot = Context.environment["NETPLAY_ROOT"] ?? ".."
let netplayRootURL = URL(fileURLWithPath: Context.packageDirectory, isDirectory: true).appendingPathComponent(
    netplayRoot
).standardizedFileURL
// SwiftPM names a path dependency after its directory.
let netplayIdentity = netplayRootURL.lastPathComponent.lowercased()
// The Netplay rows go through the public API (`NetHost`/`NetClient`). A checkout without it
// still builds the raw UDP, ENet and PodSixNet rows; the Netplay rows then print "n/a".
let netplayHasPublicAPI = ["Sources/Netplay/NetHost.swift", "Sources/Netplay/API/NetHost.swift"].contains {
    FileManager.default.fileExists(atPath: netplayRootURL.appendingPathComponent($0).path)
}

var benchDependencies: [Target.Dependency] = ["BenchmarkKit", "CENet"]
var targets: [Target] = [
    // Debian's libenet-dev: headers in /usr/include/enet, libenet.so in the multiarch lib dir.
    .systemLibrary(name: "CENet", pkgConfig: "libenet", providers: [.apt(["libenet-dev"])]),
    .target(name: "BenchmarkKit"),
]
if netplayHasPublicAPI {
    benchDependencies.append("NetplayContenders")
    targets.append(
        .target(
            name: "NetplayContenders",
            dependencies: ["BenchmarkKit", .product(name: "Netplay", package: netplayIdentity)]
        ))
}
targets.append(.executableTarget(name: "netplay-bench", dependencies: benchDependencies))

let package = Package(
    name: "NetplayBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: netplayRoot)],
    targets: targets,
    swiftLanguageModes: [.v6]
)
