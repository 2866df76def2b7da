import ArgumentParser
import SkirmishNet

/// Options every mode shares: where discovery looks, who plays, and the screenshot hook.
struct WindowOptions: ParsableArguments {
    @Option(help: "Where to advertise and look for games: lan, or loopback for this computer only (and listen on 127.0.0.1).")
    var discovery: DiscoveryScope = .lan

    @Flag(help: "Let the built-in bot play this player (the keys still quit).")
    var bot = false

    @Option(help: ArgumentHelp("Save the window as a BMP file once the game has run --after seconds, then quit.", valueName: "file"))
    var screenshot: String?

    @Option(help: "Seconds of play before --screenshot is taken.")
    var after: Double = WindowOptions.defaultScreenshotDelay

    /// Three seconds: long enough for a joined client to fill its jitter buffer and for wave 1's
    /// first creeps to walk in (the first wave starts 1.5 s after the first player joins).
    static let defaultScreenshotDelay = 3.0

    /// The session settings these options ask for.
    var settings: SessionSettings {
        switch discovery {
        case .lan: SessionSettings()
        case .loopback: .loopback
        }
    }
}

/// Where discovery runs, as typed on the command line.
enum DiscoveryScope: String, ExpressibleByArgument, CaseIterable {
    case lan
    case loopback
}
