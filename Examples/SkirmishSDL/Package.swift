// swift-tools-version: 6.0
import PackageDescription

// The Skirmish demo game in an SDL2 window. A package of its own so the root package never
// needs SDL: `apt-get install libsdl2-dev` is only asked of those who want the window.
let package = Package(
    name: "SkirmishSDL",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Named, because a path package's identity is its folder's name (a checkout, a worktree).
        .package(name: "Netplay", path: "../.."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSDL2",
            pkgConfig: "sdl2",
            providers: [.apt(["libsdl2-dev"])]
        ),
        .executableTarget(
            name: "skirmish-sdl",
            dependencies: [
                "CSDL2",
                .product(name: "SkirmishNet", package: "Netplay"),
                .product(name: "SkirmishCore", package: "Netplay"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
